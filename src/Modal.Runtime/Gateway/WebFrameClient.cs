using System.Net.Sockets;

namespace Modal.Gateway;

/// <summary>
/// The gateway's web-frame connections, a few per container socket: a request goes on the open connection with the
/// fewest streams, and another connection opens only when all carry <see cref="StreamsPerConnection"/> (up to one per
/// core). A connection the container closes leaves the pool, and a socket with none left is forgotten.
/// </summary>
internal sealed class WebFrameClient : IDisposable
{
    private const int StreamsPerConnection = 32;
    private static readonly int MaxConnections = Math.Clamp(Environment.ProcessorCount, 1, 4);

    private readonly Dictionary<string, List<WebFrameClientConnection>> _pools = new(StringComparer.Ordinal);
    // One connect at a time per socket: a burst of requests to a new container shares the first connection.
    private readonly Dictionary<string, Task<WebFrameClientConnection>> _connecting = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Timer _expiry;
    private bool _disposed;

    public WebFrameClient()
    {
        _expiry = new Timer(static state => ((WebFrameClient)state!).ExpireHeads(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void ExpireHeads()
    {
        WebFrameClientConnection[] all;
        lock (_lock)
        {
            all = [.. _pools.Values.SelectMany(p => p)];
        }

        var now = Environment.TickCount64;
        foreach (var connection in all)
        {
            connection.ExpireHeads(now);
        }
    }

    /// <summary>A stream to the container listening on <paramref name="socketPath"/>, connecting if needed.</summary>
    /// <param name="socketPath">The container's web-frame socket.</param>
    /// <param name="headTimeout">How long the stream waits for its response head before it fails.</param>
    /// <param name="cancellationToken">Cancels the wait for a connection.</param>
    public async Task<WebFrameClientStream> OpenAsync(string socketPath, TimeSpan headTimeout, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            WebFrameClientConnection? best = null;
            Task<WebFrameClientConnection>? connecting = null;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_pools.TryGetValue(socketPath, out var pool))
                {
                    foreach (var candidate in pool)
                    {
                        if (!candidate.IsClosed && (best is null || candidate.ActiveStreams < best.ActiveStreams))
                        {
                            best = candidate;
                        }
                    }

                    if (best is not null && best.ActiveStreams >= StreamsPerConnection && pool.Count < MaxConnections)
                    {
                        best = null;
                    }
                }

                if (best is null && !_connecting.TryGetValue(socketPath, out connecting))
                {
                    connecting = ConnectAsync(socketPath);
                    if (!connecting.IsCompleted)
                    {
                        _connecting[socketPath] = connecting;
                    }
                }
            }

            // The connect is shared, so one waiter leaving does not cancel it for the others.
            best ??= await connecting!.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (best.Open(headTimeout) is { } stream)
            {
                return stream;
            }

            if (attempt > 2)
            {
                throw new IOException($"Web-frame connections to {socketPath} keep closing as they open.");
            }
        }
    }

    private async Task<WebFrameClientConnection> ConnectAsync(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // Blocking, as web-frame sockets stay (see WebFrameConnection); a Unix socket connects or fails at once.
            await Task.Yield();
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch
        {
            socket.Dispose();
            lock (_lock)
            {
                _connecting.Remove(socketPath);
            }

            throw;
        }

        var connection = new WebFrameClientConnection(socket);
        lock (_lock)
        {
            _connecting.Remove(socketPath);
            if (_disposed)
            {
                connection.Abort();
                throw new ObjectDisposedException(nameof(WebFrameClient));
            }

            if (!_pools.TryGetValue(socketPath, out var pool))
            {
                _pools[socketPath] = pool = [];
            }

            pool.Add(connection);
        }

        _ = RunAsync(socketPath, connection);
        return connection;
    }

    private async Task RunAsync(string socketPath, WebFrameClientConnection connection)
    {
        await connection.RunAsync().ConfigureAwait(false);
        lock (_lock)
        {
            if (_pools.TryGetValue(socketPath, out var pool) && pool.Remove(connection) && pool.Count == 0)
            {
                _pools.Remove(socketPath);
            }
        }
    }

    public void Dispose()
    {
        _expiry.Dispose();
        List<WebFrameClientConnection> all;
        lock (_lock)
        {
            _disposed = true;
            all = [.. _pools.Values.SelectMany(p => p)];
            _pools.Clear();
        }

        foreach (var connection in all)
        {
            connection.Abort();
        }
    }
}
