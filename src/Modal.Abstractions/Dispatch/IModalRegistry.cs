using MessagePack;

namespace Modal.Dispatch;

/// <summary>
/// The generated table of an app assembly: its manifest and a direct-dispatch invoker per function entry key.
/// Implementations are generated; they call user methods directly, without reflection.
/// </summary>
public interface IModalRegistry
{
    /// <summary>The app's build manifest (the content of <c>modal.manifest.json</c>).</summary>
    string ManifestJson { get; }

    /// <summary>Formatters for every type the app's function signatures reach.</summary>
    IFormatterResolver Resolver { get; }

    /// <summary>Finds the invoker of a function by the entry key recorded in the manifest.</summary>
    bool TryGetInvoker(string entryKey, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FunctionInvoker? invoker);

    /// <summary>
    /// Finds the lifecycle of a [Cls] class by the entry key of its manifest entry (kind <c>class</c>). Registries of apps
    /// without classes keep this default.
    /// </summary>
    bool TryGetClass(string classKey, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ClassLifecycle? lifecycle)
    {
        lifecycle = null;
        return false;
    }
}
