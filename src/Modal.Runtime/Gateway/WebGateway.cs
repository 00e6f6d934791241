using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Modal.Auth;
using Modal.Scheduling;
using Yarp.ReverseProxy.Forwarder;

namespace Modal.Gateway;

/// <summary>
/// The web gateway: one loopback port (HTTP/1.1 and HTTP/2 cleartext, WebSocket upgrades) that serves every web endpoint
/// by host name. Each request is a unit of work for its function's autoscaler: it takes a slot on a container whose HTTP
/// server is ready, or waits in the function's queue (a cold start included), and is then forwarded: to a local
/// container over its web-frame socket (<see cref="WebFrameForwarder"/>), else (a Docker container, a WebSocket upgrade)
/// with YARP over loopback TCP; both stream bodies both ways without buffering. Proxy auth and the workspace rate limit
/// are checked before any of that.
/// </summary>
internal sealed class WebGateway : IAsyncDisposable
{
    /// <summary>How long past a function's startup timeout a queued request still waits for a container.</summary>
    internal static readonly TimeSpan QueueMargin = TimeSpan.FromSeconds(30);

    // Up to the reference's limit on request bodies.
    private const long MaxRequestBodyBytes = 4L * 1024 * 1024 * 1024;
    private const int MaxReroutes = 3;

    private readonly Scheduler _scheduler;
    private readonly PlatformServices? _platform;
    private readonly WebRouteTable _routes;
    private readonly HttpMessageInvoker _client;
    private readonly WebFrameClient _frames = new();
    private readonly ILogger _logger;
    private WebApplication? _web;
    private IHttpForwarder? _forwarder;

    public WebGateway(Scheduler scheduler, PlatformServices? platform, ILoggerFactory loggerFactory)
    {
        _scheduler = scheduler;
        _platform = platform;
        _routes = new WebRouteTable(scheduler);
        _logger = loggerFactory.CreateLogger("Modal.Gateway");
        _client = new HttpMessageInvoker(CreateHandler(), disposeHandler: true);
    }

    /// <summary>The port the gateway listens on (127.0.0.1); 0 before it starts.</summary>
    public int Port { get; private set; }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    public async Task StartAsync(int port, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Modal.Gateway" });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddHttpForwarder();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            var limits = kestrel.Limits;
            limits.MaxRequestBodySize = MaxRequestBodyBytes;
            // Streams (server-sent events, WebSockets, slow uploads) may be idle for long.
            limits.MinRequestBodyDataRate = null;
            limits.MinResponseDataRate = null;
            limits.Http2.MaxStreamsPerConnection = 1000;
        });
        var web = builder.Build();
        web.Run(HandleAsync);
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        _web = web;
        _forwarder = web.Services.GetRequiredService<IHttpForwarder>();
        var bound = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The gateway's Kestrel started without reporting the address it is bound to.");
        Port = new Uri(bound.Replace("//[::]", "//localhost", StringComparison.Ordinal)).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is { } web)
        {
            _web = null;
            await web.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await web.DisposeAsync().ConfigureAwait(false);
        }

        _client.Dispose();
        _frames.Dispose();
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        // Containers come and go; a pooled connection to a stopped one must not linger.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ActivityHeadersPropagator = null,
    };

    private async Task HandleAsync(HttpContext context)
    {
        var host = context.Request.Host.Host;
        var subdomain = WebHostNames.FromHost(host);
        for (var attempt = 0; ; attempt++)
        {
            var function = _routes.Route(subdomain);
            if (function is null)
            {
                await RespondAsync(context, StatusCodes.Status404NotFound,
                    $"No web endpoint is served at {host}. Web endpoint URLs look like http://{{workspace}}--{{app}}-{{function}}.localhost:{Port} " +
                    "(with -dev for apps run with `modal run`/RunAsync); GetWebUrl() on the function's handle gives the exact one.").ConfigureAwait(false);
                return;
            }

            if (attempt == 0 && !await AdmitAsync(context, function).ConfigureAwait(false))
            {
                return;
            }

            WebLease lease;
            var wait = TimeSpan.FromMilliseconds(function.StartupTimeoutMs) + TimeSpan.FromSeconds(function.Manifest.Web?.StartupTimeoutSeconds ?? 0) + QueueMargin;
            try
            {
                lease = await _scheduler.AcquireWebAsync(function, wait, context.RequestAborted).ConfigureAwait(false);
            }
            catch (WebUnavailableException ex) when (ex.RetryElsewhere && attempt < MaxReroutes)
            {
                // Its app stopped while the request waited (a redeploy retired it): route it again.
                continue;
            }
            catch (WebUnavailableException ex)
            {
                await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, ex.Message).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
                await RespondAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"Function '{function.Name}' of app '{function.App.Name}' had no container ready to take this request within " +
                    $"{wait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s (its startup timeout plus a margin). Its containers may be failing to " +
                    "start (see the server's output), or all of them are busy at maxContainers; retry later, or raise [Concurrent] MaxInputs or MaxContainers.").ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            await using (lease.ConfigureAwait(false))
            {
                await ForwardAsync(context, function, lease).ConfigureAwait(false);
            }

            return;
        }
    }

    /// <summary>Proxy auth and the workspace's rate limit; false when the request was answered (401, 429).</summary>
    private async Task<bool> AdmitAsync(HttpContext context, FunctionRuntime function)
    {
        if (function.Manifest.Web?.RequiresProxyAuth == true)
        {
            var key = context.Request.Headers[ForwardingTransformer.KeyHeader].ToString();
            var secret = context.Request.Headers[ForwardingTransformer.SecretHeader].ToString();
            string? workspace = null;
            if (key.Length > 0 && secret.Length > 0 && _platform is not null)
            {
                workspace = _platform.ProxyAuthWorkspaceOf(key, secret);
            }

            if (workspace != function.App.Workspace)
            {
                var why = key.Length == 0 || secret.Length == 0
                    ? "the request has no Modal-Key and Modal-Secret headers"
                    : "the Modal-Key and Modal-Secret headers are not a proxy-auth token of this endpoint's workspace";
                var how = _platform is null
                    ? "This control plane runs embedded, which has no tokens: serve the app from `modal server` and create a token with `modal token new --proxy-auth`."
                    : "Create a proxy-auth token with `modal token new --proxy-auth` and send its key and secret in those headers.";
                await RespondAsync(context, StatusCodes.Status401Unauthorized,
                    $"Web endpoint '{function.Name}' of app '{function.App.Name}' requires proxy auth, and {why}. {how}").ConfigureAwait(false);
                return false;
            }
        }

        if (_platform?.RateLimiter is { } limiter)
        {
            try
            {
                limiter.Acquire(function.App.Workspace, 1);
            }
            catch (ResourceExhaustedError ex)
            {
                context.Response.Headers.RetryAfter = "1";
                await RespondAsync(context, StatusCodes.Status429TooManyRequests, ex.Message).ConfigureAwait(false);
                return false;
            }
        }

        return true;
    }

    private async Task ForwardAsync(HttpContext context, FunctionRuntime function, WebLease lease)
    {
        string error;
        string? detail;
        if (lease.UnixSocket is { } socket && !IsUpgrade(context))
        {
            // Web frames over the container's Unix socket: far fewer system calls and wake-ups per request than HTTP.
            // Upgrades (WebSockets) keep HTTP/1.1 over TCP, as sent.
            detail = await WebFrameForwarder.ForwardAsync(context, _frames, socket, lease.Address, TimeSpan.FromMilliseconds(function.TimeoutMs)).ConfigureAwait(false);
            if (detail is null || context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            error = "WebFrames";
        }
        else
        {
            var config = new ForwarderRequestConfig
            {
                // A response (an event stream, a WebSocket) may pause for as long as the function may run.
                ActivityTimeout = TimeSpan.FromMilliseconds(function.TimeoutMs),
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                AllowResponseBuffering = false,
            };
            var forwarded = await _forwarder!.SendAsync(context, lease.Address.ToString(), _client, config, ForwardingTransformer.Instance).ConfigureAwait(false);
            if (forwarded == ForwarderError.None || context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            error = forwarded.ToString();
            detail = context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message;
        }

        _logger.LogWarning("Forwarding a request for {Function} to container {TaskId} at {Address} failed: {Error} {Detail}",
            function.Name, lease.Container.TaskId, lease.Address, error, detail);
        if (!context.Response.HasStarted)
        {
            await RespondAsync(context, StatusCodes.Status502BadGateway,
                $"Container {lease.Container.TaskId} of function '{function.Name}' did not answer ({error}: {detail}). It may have crashed or " +
                "stopped; the server's output has its logs. Retry the request.").ConfigureAwait(false);
        }
    }

    private static bool IsUpgrade(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
        || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;

    private static async Task RespondAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await context.Response.WriteAsync(message + "\n", context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left.
        }
    }
}
