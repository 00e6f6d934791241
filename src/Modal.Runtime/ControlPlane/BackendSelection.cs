using Microsoft.Extensions.Logging;
using Modal.Backends;
using Modal.Backends.Docker;

namespace Modal.ControlPlane;

/// <summary>
/// Chooses the container backend of a control plane that was not handed one: <see cref="ControlPlaneOptions.BackendKind"/>,
/// else <c>MODAL_BACKEND</c>: <c>local</c> (the default: worker processes), <c>docker</c>, or <c>auto</c> (Docker
/// when an engine answers on this machine, else local; the choice is printed).
/// </summary>
internal static class BackendSelection
{
    public const string Variable = "MODAL_BACKEND";

    public static async Task<IContainerBackend> CreateAsync(ControlPlaneOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var kind = (options.BackendKind ?? Environment.GetEnvironmentVariable(Variable))?.Trim().ToLowerInvariant();
        switch (kind)
        {
            case null or "" or "local":
                return Local(options, loggerFactory);
            case "docker":
                return await DockerAsync(options, loggerFactory, cancellationToken).ConfigureAwait(false);
            case "auto":
                var endpoint = DockerBackendOptions.FromEnvironment().Endpoint;
                if (await DockerBackend.IsReachableAsync(endpoint, cancellationToken).ConfigureAwait(false))
                {
                    await Console.Error.WriteLineAsync($"modal: using the docker backend (auto-detected a Docker engine at {endpoint}); set {Variable}=local or docker to choose.").ConfigureAwait(false);
                    return await DockerAsync(options, loggerFactory, cancellationToken).ConfigureAwait(false);
                }

                await Console.Error.WriteLineAsync($"modal: using the local backend (no Docker engine answers at {endpoint}); set {Variable}=local or docker to choose.").ConfigureAwait(false);
                return Local(options, loggerFactory);
            default:
                throw new InvalidError($"{Variable} is '{kind}', which is not a backend. Use local (worker processes, the default), docker, or auto.");
        }
    }

    private static LocalProcessBackend Local(ControlPlaneOptions options, ILoggerFactory loggerFactory) =>
        new(options.WorkerPath, options.StopGracePeriod, loggerFactory.CreateLogger<LocalProcessBackend>()) { Output = options.ContainerOutput };

    // Its container output reaches `modal app logs` through ControlPlaneHost, which also wires a Docker backend it was given.
    private static async Task<IContainerBackend> DockerAsync(ControlPlaneOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        await DockerBackend.CreateAsync(
            DockerBackendOptions.FromEnvironment() with { WorkerPath = options.WorkerPath, StopGracePeriod = options.StopGracePeriod },
            loggerFactory.CreateLogger<DockerBackend>(),
            cancellationToken).ConfigureAwait(false);
}
