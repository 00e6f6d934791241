using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>One image step; <paramref name="Kind"/> is one of the ImageStepKinds strings.</summary>
internal sealed record ImageStepModel(string Kind, EquatableArray<string> Args, bool ForceBuild);
