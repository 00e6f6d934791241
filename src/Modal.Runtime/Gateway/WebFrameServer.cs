using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Modal.Gateway;

/// <summary>
/// A container's web server as the gateway reaches it: wraps the application's own server (Kestrel on loopback TCP,
/// which keeps WebSocket upgrades and anything not local) and serves the same <see cref="IHttpApplication{TContext}"/>
/// on a Unix domain socket in the web-frame protocol as well, so the gateway's requests skip HTTP parsing and framing
/// on both sides and share a few connections. Stopping drains in-flight streams on both.
/// </summary>
internal sealed class WebFrameServer(IServer inner, string socketPath) : IServer
{
    /// <summary>How long a handler may hold its connection's reader thread before another thread takes over reading.</summary>
    private const int InlineLimitMs = 25;

    private readonly List<WebFrameServerConnection> _connections = [];
    private Timer? _watchdog;
    private readonly Lock _lock = new();
    private Socket? _listener;
    private Task? _accepting;
    private bool _stopping;

    /// <summary>The socket it accepts on once started.</summary>
    public string SocketPath { get; } = socketPath;

    public bool Listening => _listener is not null;

    public IFeatureCollection Features => inner.Features;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        await inner.StartAsync(application, cancellationToken).ConfigureAwait(false);
        if (File.Exists(SocketPath))
        {
            // A socket file left by an earlier server of this task; binding over it would fail.
            File.Delete(SocketPath);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _watchdog = new Timer(static state => ((WebFrameServer)state!).HandOffStuckReaders(), this, InlineLimitMs, InlineLimitMs);
        var dispatcher = new WebFrameDispatcher<TContext>(application);
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Accepted sockets must stay blocking (see WebFrameConnection), so they are accepted synchronously.
        var thread = new Thread(() =>
        {
            Accept(listener, dispatcher);
            accepted.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "Modal web frames accept",
        };
        thread.UnsafeStart();
        _accepting = accepted.Task;
    }

    private void Accept(Socket listener, IWebFrameDispatcher dispatcher)
    {
        var number = 0;
        while (true)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new WebFrameServerConnection(socket, dispatcher, "wf" + (++number).ToString(System.Globalization.CultureInfo.InvariantCulture));
            lock (_lock)
            {
                if (_stopping)
                {
                    connection.Abort();
                    continue;
                }

                _connections.Add(connection);
            }

            _ = RunAsync(connection);
        }
    }

    private void HandOffStuckReaders()
    {
        WebFrameServerConnection[] connections;
        lock (_lock)
        {
            if (_connections.Count == 0)
            {
                return;
            }

            connections = [.. _connections];
        }

        var now = Environment.TickCount64;
        foreach (var connection in connections)
        {
            connection.HandOffIfStuck(now, InlineLimitMs);
        }
    }

    private async Task RunAsync(WebFrameServerConnection connection)
    {
        await connection.RunAsync().ConfigureAwait(false);
        lock (_lock)
        {
            _connections.Remove(connection);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        WebFrameServerConnection[] connections;
        lock (_lock)
        {
            _stopping = true;
            connections = [.. _connections];
        }

        _listener?.Dispose();
        _watchdog?.Dispose();
        if (_accepting is { } accepting)
        {
            await accepting.ConfigureAwait(false);
        }

        var draining = Task.WhenAll(connections.Select(c => c.DrainAsync(cancellationToken)));
        await Task.WhenAll(draining, inner.StopAsync(cancellationToken)).ConfigureAwait(false);
        TryDeleteSocket();
    }

    private void TryDeleteSocket()
    {
        try
        {
            File.Delete(SocketPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Its directory goes with the container.
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            foreach (var connection in _connections)
            {
                connection.Abort();
            }
        }

        _listener?.Dispose();
        _watchdog?.Dispose();
        inner.Dispose();
    }
}
