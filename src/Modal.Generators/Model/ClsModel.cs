using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>A <c>[Cls]</c> class: its parameters, lifecycle hooks, methods and class-level settings.</summary>
/// <param name="FullyQualifiedName">The class as <c>global::Ns.Model</c>.</param>
/// <param name="Name">The class's name in the manifest (the type name unless [Cls(Name = ...)] overrides it).</param>
/// <param name="Identifier">The C# identifier the generated types of the class start with.</param>
/// <param name="ClassKey">The key the registry finds the class's lifecycle by (its manifest entry key).</param>
/// <param name="AppName">The app named by [Cls(App = ...)], or null for the assembly's app.</param>
/// <param name="IsAsync">Every method returns a task, so inputs never block a thread.</param>
/// <param name="IsPublic">The class and every type its methods and parameters use are public.</param>
/// <param name="Types">The types its parameters and methods reach that need a formatter entry.</param>
internal sealed record ClsModel(
    string FullyQualifiedName,
    string Name,
    string Identifier,
    string ClassKey,
    string? AppName,
    EquatableArray<ClsParameterModel> Parameters,
    EquatableArray<HookModel> EnterHooks,
    EquatableArray<HookModel> ExitHooks,
    EquatableArray<FunctionModel> Methods,
    SettingsModel Settings,
    bool IsAsync,
    bool IsPublic,
    EquatableArray<SerializableTypeModel> Types,
    LocationInfo? Location);
