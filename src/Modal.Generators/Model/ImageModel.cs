using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>An image recipe read from the fluent chain that initializes a static Image member of the app class.</summary>
/// <param name="MemberName">The member the recipe came from.</param>
internal sealed record ImageModel(string MemberName, EquatableArray<ImageStepModel> Steps);
