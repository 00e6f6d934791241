using Modal.Manifest;

namespace Modal.Runtime.Tests.Support;

/// <summary>Builds manifests as the generator writes them.</summary>
public static class Manifests
{
    public static FunctionManifest Function(string name = "Square") => new()
    {
        Name = name,
        EntryKey = $"TestApp.{name}",
        Parameters = [new ParameterManifest { Name = "x", Type = "int" }],
        ReturnType = "int",
    };

    public static AppManifest App(string name, params FunctionManifest[] functions) => new()
    {
        SchemaVersion = AppManifest.CurrentSchemaVersion,
        App = name,
        Assembly = "TestApp",
        Functions = functions,
    };
}
