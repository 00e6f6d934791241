using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>The <c>[App]</c> class.</summary>
/// <param name="Name">The app name given to the attribute.</param>
/// <param name="Namespace">The class's namespace, empty for the global namespace.</param>
/// <param name="ClassName">The class's simple name.</param>
/// <param name="FullyQualifiedName">The class as <c>global::Ns.Hello</c>.</param>
/// <param name="Image">The app's default image (<c>[App(Image = ...)]</c>), read once here rather than once per function.</param>
internal sealed record AppModel(
    string Name,
    string Namespace,
    string ClassName,
    string FullyQualifiedName,
    LocationInfo? Location,
    ImageModel? Image = null);
