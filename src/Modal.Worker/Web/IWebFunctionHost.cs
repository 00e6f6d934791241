using System.Net;

namespace Modal.Worker.Web;

/// <summary>
/// Serves one web function in its container: an HTTP server on loopback that the control plane's gateway forwards
/// requests to once <see cref="StartAsync"/> has returned where it listens.
/// </summary>
internal interface IWebFunctionHost : IAsyncDisposable
{
    /// <summary>Starts serving (for a [WebApp], its startup hooks run here); returns once the server accepts connections.</summary>
    Task<IPEndPoint> StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The Unix domain socket on which the started server also serves the gateway's web frames
    /// (<see cref="WebHostOptions.UnixSocketPath"/>), or null when it serves TCP only ([WebServer], or an application that
    /// chose its own server and endpoints).
    /// </summary>
    string? UnixSocketPath => null;

    /// <summary>
    /// Stops accepting connections and lets in-flight requests finish; those still running when
    /// <paramref name="cancellationToken"/> fires are aborted. A [WebApp]'s shutdown hooks run here.
    /// </summary>
    Task StopAsync(CancellationToken cancellationToken);
}
