using Modal.ControlPlane;

namespace Modal;

/// <summary>A running app (<c>ap-…</c>). Disposing it stops the app, its containers and any embedded control plane.</summary>
public sealed class AppRun : IAsyncDisposable
{
    /// <summary>How often the client tells the control plane it is still there; the server stops ephemeral apps whose client went quiet.</summary>
    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _heartbeatCts = new();
    private Task _heartbeat = Task.CompletedTask;
    private int _stopped;

    public required string AppId { get; init; }

    public required string AppName { get; init; }

    /// <summary>The app most recently started in this process; generated handles call through it.</summary>
    public static AppRun? Current { get; internal set; }

    /// <summary>The control plane this app runs on (the embedded one's loopback address when none was configured).</summary>
    public Uri ServerUrl => Client.Address;

    internal ModalClient Client { get; init; } = null!;

    /// <summary>Function name to <c>fu-</c> id, for every function of the app's manifest.</summary>
    internal IReadOnlyDictionary<string, string> FunctionIds { get; init; } = new Dictionary<string, string>();

    /// <summary>Function name to the URL of its web endpoint on the gateway, for every web function of the app.</summary>
    internal IReadOnlyDictionary<string, string> WebUrls { get; init; } = new Dictionary<string, string>();

    /// <summary>The control plane started for this app when no server was configured; stopped with the app.</summary>
    internal ControlPlaneHost? EmbeddedHost { get; init; }

    internal bool IsStopped => Volatile.Read(ref _stopped) != 0;

    /// <summary>
    /// Created with <c>--detach</c> (<see cref="ModalOptions.Detach"/>): disposing it leaves the app running on the server,
    /// which stops it once its client is gone and its calls have finished.
    /// </summary>
    public bool Detached { get; init; }

    internal void StartHeartbeat() => _heartbeat = HeartbeatAsync(_heartbeatCts.Token);

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await Client.AppHeartbeatAsync(AppId, cancellationToken).ConfigureAwait(false);
                }
                catch (ModalException)
                {
                    // A missed beat is harmless: the server tolerates several, and the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The app is stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (ReferenceEquals(Current, this))
        {
            Current = null;
        }

        await _heartbeatCts.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(false);
        _heartbeatCts.Dispose();

        Exception? stopError = null;
        try
        {
            if (Detached)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            await Client.AppStopAsync(AppId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ModalException or OperationCanceledException)
        {
            stopError = ex;
        }
        finally
        {
            Client.Dispose();
            if (EmbeddedHost is not null)
            {
                // Disposing the embedded control plane ends every worker it started, so a failed AppStop leaves nothing behind.
                await EmbeddedHost.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (stopError is not null && EmbeddedHost is null)
        {
            throw new ModalException(
                $"App {AppName} ({AppId}) could not be stopped on {Client.Address}: {stopError.Message} " +
                "The server stops it on its own once its heartbeats stop; `modal app stop` stops it now.", stopError);
        }
    }
}
