using System.Net;
using Microsoft.AspNetCore.Builder;

namespace Modal.Worker.Web;

/// <summary>
/// What the hosts that run an ASP.NET Core application in the worker share: start it on loopback, learn where it
/// listens, and stop and release it with the container.
/// </summary>
internal abstract class LoopbackAppHost : IWebFunctionHost
{
    private WebApplication? _app;

    public string? UnixSocketPath { get; private set; }

    public abstract Task<IPEndPoint> StartAsync(CancellationToken cancellationToken);

    /// <summary>Starts <paramref name="app"/>; returns its TCP endpoint once it accepts, and records its Unix socket, if any.</summary>
    /// <param name="app">The application, built and not started.</param>
    /// <param name="unixSocketPath">The socket it was asked to listen on as well, or null.</param>
    /// <param name="description">Names the server in the error raised when it bound no loopback port.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    protected async Task<IPEndPoint> ServeAsync(WebApplication app, string? unixSocketPath, string description, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        UnixSocketPath = LoopbackKestrel.BoundUnixSocket(app.Services, unixSocketPath);
        return LoopbackKestrel.BoundEndpoint(app.Services, description);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
