using System.Threading.Channels;
using Modal.Manifest;

namespace Modal.Backends;

/// <summary>
/// Runs container tasks for the control plane: local processes by default, Docker or a cluster later. The scheduler
/// decides how many tasks each function gets; a backend only starts them, stops them and reports when they end.
/// </summary>
public interface IContainerBackend : IAsyncDisposable
{
    /// <summary>The backend's name in messages, e.g. <c>local</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Refuses an app this backend cannot run as asked: throws <see cref="InvalidError"/> naming every setting of every
    /// function it does not honour, or what is missing to run anything at all.
    /// </summary>
    void Validate(string appName, IReadOnlyList<FunctionManifest> functions);

    /// <summary>
    /// Readies what the app's functions need before the app is created, e.g. builds their container images, writing
    /// progress to the backend's build log. Throws (<see cref="InvalidError"/> for a failed build) to abort the deploy,
    /// which leaves any previous version of the app serving. Backends with nothing to prepare keep the default.
    /// </summary>
    /// <param name="appName">The app's name, for messages.</param>
    /// <param name="artifactDir">The app's build output folder.</param>
    /// <param name="assemblyFile">The app's assembly in that folder (image steps that run a function of the app load it).</param>
    /// <param name="functions">The functions to prepare.</param>
    /// <param name="cancellationToken">Cancels the preparation.</param>
    Task PrepareAsync(string appName, string artifactDir, string assemblyFile, IReadOnlyList<FunctionManifest> functions, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>
    /// How long the control plane waits, after a task's input stream breaks, for this backend to report on
    /// <see cref="Exits"/> why the task ended, so a caller reads that reason rather than a broken stream. Zero: no wait.
    /// </summary>
    TimeSpan ExitReasonGrace => TimeSpan.Zero;

    /// <summary>Starts a task. The task's end, including a failed start, is reported on <see cref="Exits"/>.</summary>
    Task StartAsync(ContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>Stops a task: asks it to exit, waits a grace period, then kills it. Unknown or ended tasks are ignored.</summary>
    Task StopAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Every task that ended, once each.</summary>
    ChannelReader<ContainerExit> Exits { get; }
}
