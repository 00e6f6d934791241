using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modal.Worker.Web;

/// <summary>
/// Serves a [WebApp] function (the reference's <c>asgi_app</c>): calls it once per container to get the application, a
/// <see cref="WebApplication"/> the user built or a <see cref="RequestDelegate"/> the worker hosts, and runs it on
/// loopback. Starting the application runs its startup hooks (hosted services, ApplicationStarted) before the
/// container reports ready; stopping it runs the shutdown hooks after in-flight requests finish, like ASGI's lifespan.
/// </summary>
internal sealed class WebAppHost : LoopbackAppHost
{
    private readonly WebFunction _function;
    private readonly string? _unixSocketPath;

    public WebAppHost(WebFunction function, string? unixSocketPath = null)
    {
        _function = function;
        _unixSocketPath = unixSocketPath;
    }

    public override async Task<IPEndPoint> StartAsync(CancellationToken cancellationToken)
    {
        var returned = await _function.InvokeOnceAsync(cancellationToken).ConfigureAwait(false);
        WebApplication app;
        switch (returned)
        {
            case WebApplication built:
                // Whatever address the app was configured with, the gateway reaches it on loopback at a port the OS picks.
                app = built;
                // No web-frame socket: the application was built with its own server, which only the user configures.
                app.Urls.Clear();
                app.Urls.Add(LoopbackKestrel.Url);
                break;
            case RequestDelegate handler:
                app = LoopbackKestrel.CreateBuilder(_function.Method.DeclaringType?.Assembly.GetName().Name ?? _function.Name, _unixSocketPath).Build();
                app.Run(handler);
                break;
            default:
                throw new InvalidError(
                    $"[WebApp] function '{_function.Name}' returned {(returned is null ? "null" : returned.GetType().FullName)}; " +
                    "it must return the application to serve: a WebApplication (built with WebApplication.CreateBuilder or CreateSlimBuilder, not started) or a RequestDelegate.");
        }

        return await ServeAsync(app, _unixSocketPath, $"The application of [WebApp] function '{_function.Name}'", cancellationToken).ConfigureAwait(false);
    }
}
