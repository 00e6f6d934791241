using Modal.Backends;

namespace Modal.Auth;

/// <summary>Adds variables to a container's environment before the backend starts it (server mode's identity and secrets).</summary>
internal interface IContainerEnvironmentSource
{
    ValueTask<IReadOnlyDictionary<string, string>> GetEnvironmentAsync(ContainerSpec spec, string environment, CancellationToken cancellationToken);
}
