using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Modal.Runtime.Tests.Gateway;

/// <summary>
/// A container's HTTP server, played in the test process on a loopback port: the gateway forwards to it exactly as to
/// a worker's server (on a Unix socket too, in web frames, when asked). Its routes let tests hold requests open, stream
/// events step by step, count uploads and echo WebSocket messages.
/// </summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _web;
    private int _current;
    private int _maxConcurrent;

    private Upstream(WebApplication web, string name)
    {
        _web = web;
        Name = name;
    }

    public string Name { get; }

    public int Port { get; private set; }

    /// <summary>The Unix domain socket it also serves web frames on, as a worker's own server does; null when it has none.</summary>
    public string? UnixSocket { get; private set; }

    /// <summary>How the last request to / or /sse came: "frames" over the Unix socket, else its HTTP protocol over TCP.</summary>
    public string? LastProtocol { get; private set; }

    /// <summary>Requests to /slow wait for this.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes each time a /slow request arrives, with the number in progress.</summary>
    public System.Threading.Channels.Channel<int> SlowArrivals { get; } = System.Threading.Channels.Channel.CreateUnbounded<int>();

    /// <summary>The /sse route writes its last event only after this completes.</summary>
    public TaskCompletionSource FirstEventSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    /// <summary>Headers of the last request to /, as the container received them.</summary>
    public Dictionary<string, string>? LastHeaders { get; private set; }

    /// <param name="name">What / answers.</param>
    /// <param name="socketOfTask">Also serve web frames on the Unix domain socket of this task, as the worker does.</param>
    public static async Task<Upstream> StartAsync(string name, string? socketOfTask = null)
    {
        var socketPath = socketOfTask is null ? null : Modal.Gateway.WebFrameSocketPath.PathFor(Directory.CreateTempSubdirectory("mu").FullName, socketOfTask);
        if (socketPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        if (socketPath is not null)
        {
            var kestrel = builder.Services.Last(d => d.ServiceType == typeof(IServer));
            builder.Services.Remove(kestrel);
            builder.Services.AddSingleton<IServer>(services =>
                new Modal.Gateway.WebFrameServer((IServer)ActivatorUtilities.CreateInstance(services, kestrel.ImplementationType!), socketPath));
        }

        builder.Services.AddRoutingCore();
        var web = builder.Build();
        var upstream = new Upstream(web, name);
        web.UseWebSockets();
        web.Run(upstream.HandleAsync);
        await web.StartAsync();
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.Port = new Uri(address).Port;
        upstream.UnixSocket = socketPath;
        return upstream;
    }

    private async Task HandleAsync(HttpContext context)
    {
        switch (context.Request.Path.Value)
        {
            case "/":
                LastProtocol = Transport(context);
                // Copied: the request's own header collection is reused once the response ends.
                LastHeaders = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                await context.Response.WriteAsync(Name);
                break;
            case "/slow":
                var now = Interlocked.Increment(ref _current);
                InterlockedMax(ref _maxConcurrent, now);
                SlowArrivals.Writer.TryWrite(now);
                try
                {
                    await Release.Task.WaitAsync(context.RequestAborted);
                    await context.Response.WriteAsync(Name);
                }
                finally
                {
                    Interlocked.Decrement(ref _current);
                }

                break;
            case "/sse":
                LastProtocol = Transport(context);
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("data: first\n\n");
                await context.Response.Body.FlushAsync();
                await FirstEventSeen.Task.WaitAsync(context.RequestAborted);
                await context.Response.WriteAsync("data: last\n\n");
                break;
            case "/upload":
                var buffer = new byte[64 * 1024];
                long total = 0;
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    total += read;
                }

                await context.Response.WriteAsync(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "/ws" when context.WebSockets.IsWebSocketRequest:
                using (var socket = await context.WebSockets.AcceptWebSocketAsync())
                {
                    await EchoAsync(socket, context.RequestAborted);
                }

                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private static string Transport(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>() is Modal.Gateway.WebFrameServerStream ? "frames" : context.Request.Protocol;

    private static async Task EchoAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                await socket.SendAsync(message.ToArray(), result.MessageType, endOfMessage: true, cancellationToken);
                message.SetLength(0);
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release.TrySetResult();
        FirstEventSeen.TrySetResult();
        await _web.StopAsync();
        await _web.DisposeAsync();
        if (UnixSocket is not null)
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(UnixSocket))!, recursive: true);
        }
    }
}
