using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>Everything emitted for one assembly: its app, the app's functions, its [Cls] classes and its entrypoint.</summary>
internal sealed record GenerationModel(
    AppModel App,
    string AssemblyName,
    EquatableArray<FunctionModel> Functions,
    EntrypointModel? Entrypoint,
    EquatableArray<SerializableTypeModel> Types,
    EquatableArray<ClsModel> Classes);
