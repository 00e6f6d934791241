namespace Modal.Scheduling;

/// <summary>
/// One gateway request's slot on a container of a web function. The gateway forwards to <see cref="Address"/> and
/// disposes the lease when the response (or WebSocket) ends, which frees the slot for the next queued request.
/// </summary>
internal sealed class WebLease : IAsyncDisposable
{
    private readonly Func<WebLease, ValueTask> _release;
    private int _released;

    public WebLease(ContainerTask container, Uri address, string? unixSocket, Func<WebLease, ValueTask> release)
    {
        Container = container;
        Address = address;
        UnixSocket = unixSocket;
        _release = release;
    }

    public ContainerTask Container { get; }

    /// <summary>The container's HTTP server, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>
    /// The Unix domain socket the same server accepts on, which the gateway connects to instead of <see cref="Address"/>'s
    /// host and port (the request still names <see cref="Address"/>); null: TCP.
    /// </summary>
    public string? UnixSocket { get; }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? _release(this) : ValueTask.CompletedTask;
}
