using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Modal.Worker.Web;

/// <summary>
/// Serves a [WebServer(port)] function (the reference's <c>web_server</c>): runs the function, which starts any HTTP
/// server listening on the port (a process it launches, or a server it runs itself), and waits until the port accepts
/// connections, up to the function's StartupTimeout. The function may return at once or keep running; either way the
/// server lives as long as the container.
/// </summary>
internal sealed class WebServerHost : IWebFunctionHost
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly WebFunction _function;
    private readonly WebHostOptions _options;

    public WebServerHost(WebFunction function, WebHostOptions options)
    {
        _function = function;
        _options = options;
    }

    public int Port => _function.Settings.Port ?? 0;

    public TimeSpan StartupTimeout => TimeSpan.FromSeconds(_function.Settings.StartupTimeoutSeconds ?? 5);

    public async Task<IPEndPoint> StartAsync(CancellationToken cancellationToken)
    {
        if (Port is <= 0 or > 65535)
        {
            throw new InvalidError($"[WebServer] function '{_function.Name}' has port {Port}; give the port its server listens on, 1 to 65535.");
        }

        // On a thread of its own: the function may block (running its server) rather than return once it started it.
        var running = Task.Run(() => _function.InvokeOnceAsync(cancellationToken), cancellationToken);
        _ = running.ContinueWith(
            t => _options.LogError($"[WebServer] function '{_function.Name}' raised {t.Exception!.InnerException?.GetType().FullName}: {t.Exception.InnerException?.Message}"),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        var started = Stopwatch.StartNew();
        while (true)
        {
            if (await AcceptsAsync(IPAddress.Loopback, cancellationToken).ConfigureAwait(false))
            {
                return new IPEndPoint(IPAddress.Loopback, Port);
            }

            // A server bound to localhost may listen on ::1 only.
            if (Socket.OSSupportsIPv6 && await AcceptsAsync(IPAddress.IPv6Loopback, cancellationToken).ConfigureAwait(false))
            {
                return new IPEndPoint(IPAddress.IPv6Loopback, Port);
            }

            if (running.IsFaulted)
            {
                var error = running.Exception!.InnerException!;
                throw new InvalidError(
                    $"[WebServer] function '{_function.Name}' raised {error.GetType().FullName} before anything listened on port {Port}: {error.Message}", error);
            }

            if (started.Elapsed >= StartupTimeout)
            {
                throw new FunctionTimeoutError(
                    $"[WebServer] function '{_function.Name}' started no server on port {Port} within its startup timeout of {StartupTimeout.TotalSeconds:0.###} s. " +
                    $"Make the server listen on 0.0.0.0:{Port} or 127.0.0.1:{Port}, or raise StartupTimeout if it needs longer to start.");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    // The server is the user's: it stops with the container's process.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<bool> AcceptsAsync(IPAddress address, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(1));
            await socket.ConnectAsync(new IPEndPoint(address, Port), attempt.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
