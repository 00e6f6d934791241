using Modal.Backends;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Auth;

/// <summary>
/// Adds variables to a container's environment before the backend starts it: secrets (stored, or bound by the app's
/// client), and in server mode identity and placement. Server mode and the embedded control plane each have one.
/// </summary>
internal interface IContainerEnvironmentSource
{
    /// <summary>Refuses an app whose functions' secrets cannot be resolved, before anything of it starts.</summary>
    void Validate(string appName, IReadOnlyList<FunctionManifest> functions, IReadOnlyList<BoundSecret> boundSecrets);

    ValueTask<IReadOnlyDictionary<string, string>> GetEnvironmentAsync(ContainerSpec spec, string environment, IReadOnlyList<BoundSecret> boundSecrets, CancellationToken cancellationToken);
}
