using Modal.Dispatch;

namespace Modal;

/// <summary>
/// Starts apps. With no server configured (<c>MODAL_SERVER_URL</c> unset) it starts the control plane inside this
/// process: gRPC on loopback, SQLite state under <c>.modal/</c>, and workers as local processes.
/// </summary>
public static class ModalApp
{
    /// <summary>
    /// Creates an ephemeral app from a generated registry and makes it the current app, so generated handles can call
    /// its functions. Dispose the result to stop the app and its containers.
    /// </summary>
    public static Task<AppRun> RunAsync(IModalRegistry registry, ModalOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>
    /// What a generated program entry calls: runs the app, then <paramref name="entrypoint"/>, then stops the app.
    /// Returns the process exit code (0 on success, 1 when the entrypoint failed).
    /// </summary>
    public static Task<int> RunEntrypointAsync(IModalRegistry registry, Func<CancellationToken, Task> entrypoint, ModalOptions? options = null) =>
        throw new NotImplementedException();
}
