using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Modal;

namespace WebEndpoints;

/// <summary>
/// Serving functions over HTTP, the three ways the reference's web endpoint guides show, plus streaming:
/// <list type="bullet">
/// <item>[WebEndpoint]: one function, its parameters bound from the query string and the JSON body (fastapi_endpoint);</item>
/// <item>[WebApp]: a whole ASP.NET Core application (asgi_app);</item>
/// <item>[WebServer]: any HTTP server the function starts on a port (web_server);</item>
/// <item>streams: an IAsyncEnumerable return is sent as server-sent events, here fed by a remote generator and a map.</item>
/// </list>
/// Run it with <c>dotnet run --project samples/WebEndpoints</c>; add <c>--serve true</c> to keep the endpoints up and
/// open the printed URLs (try <c>/docs</c> on the greeting) in a browser.
/// </summary>
[App("web-endpoints")]
public static partial class WebApi
{
    public const int StaticServerPort = 8765;

    /// <summary>GET /?name=Ada. With Docs, /docs shows the operation and a form to try it.</summary>
    [Function, WebEndpoint(Docs = true)]
    public static Greeting Greet(string name = "world", int excitement = 1) =>
        new($"Hello, {name}{new string('!', Math.Clamp(excitement, 0, 10))}", DateTimeOffset.UtcNow);

    /// <summary>POST a JSON order; a missing or mistyped field gets a 422 that names it.</summary>
    [Function, WebEndpoint(Method = "POST", Docs = true)]
    public static OrderSummary Checkout(Order order) =>
        new(order.Items.Count, order.Items.Sum(i => i.Quantity * i.UnitPrice), order.Coupon is null ? "none" : order.Coupon.ToUpperInvariant());

    /// <summary>An ordinary generator function, which the streaming endpoint below runs remotely.</summary>
    [Function]
    public static async IAsyncEnumerable<string> Tick(int from, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = from; i > 0; i--)
        {
            yield return $"{i}...";
            await Task.Delay(200, cancellationToken);
        }

        yield return "liftoff";
    }

    /// <summary>Server-sent events straight from another function's generator (the reference's <c>.remote_gen</c> example).</summary>
    [Function, WebEndpoint]
    public static async IAsyncEnumerable<string> Countdown(int from = 3)
    {
        await foreach (var step in Functions.Tick.RemoteGenAsync(from))
        {
            yield return step;
        }
    }

    [Function]
    public static long Square(long x) => x * x;

    /// <summary>Server-sent events of a map's results as they complete (the reference's <c>.map</c> example).</summary>
    [Function, WebEndpoint]
    public static async IAsyncEnumerable<long> Squares(int n = 5)
    {
        await foreach (var square in Functions.Square.MapAsync(Enumerable.Range(1, n).Select(i => (long)i)))
        {
            yield return square;
        }
    }

    /// <summary>A whole ASP.NET Core app: build it, do not start it; the container runs it and its lifetime hooks.</summary>
    [Function, WebApp]
    public static WebApplication Api()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("api started: load models, open pools here"));
        app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine("api stopping: in-flight requests finish first"));
        app.MapGet("/", () => "the Api app; try /items/42");
        app.MapGet("/items/{id:int}", (int id) => Results.Json(new { id, name = $"item {id}" }));
        return app;
    }

    /// <summary>Any HTTP server on a port (here a tiny hand-written one); the container is ready once the port accepts.</summary>
    [Function, WebServer(StaticServerPort, StartupTimeout = 30)]
    public static void StaticServer()
    {
        var listener = new TcpListener(IPAddress.Loopback, StaticServerPort);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync();
                _ = Task.Run(() => ServeOneAsync(client));
            }
        });
    }

    [LocalEntrypoint]
    public static async Task Main(bool serve = false)
    {
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = ConnectToLoopbackAsync });

        var greet = Functions.Greet.GetWebUrl();
        Console.WriteLine($"Greet      {greet}  (docs: {greet}/docs)");
        Console.WriteLine("  " + await http.GetStringAsync($"{greet}?name=Ada&excitement=3"));

        var checkout = Functions.Checkout.GetWebUrl();
        Console.WriteLine($"Checkout   {checkout}");
        var order = new StringContent("""{"items": [{"sku": "tea", "quantity": 2, "unitPrice": 3.5}], "coupon": "welcome"}""", Encoding.UTF8, "application/json");
        Console.WriteLine("  " + await (await http.PostAsync(checkout, order)).Content.ReadAsStringAsync());
        var bad = new StringContent("""{"items": [{"sku": "tea", "quantity": "two", "unitPrice": 3.5}]}""", Encoding.UTF8, "application/json");
        var rejected = await http.PostAsync(checkout, bad);
        Console.WriteLine($"  {(int)rejected.StatusCode}: {await rejected.Content.ReadAsStringAsync()}");

        var countdown = Functions.Countdown.GetWebUrl();
        Console.WriteLine($"Countdown  {countdown}");
        await PrintEventsAsync(http, $"{countdown}?from=3");

        var squares = Functions.Squares.GetWebUrl();
        Console.WriteLine($"Squares    {squares}");
        await PrintEventsAsync(http, $"{squares}?n=4");

        var api = Functions.Api.GetWebUrl();
        Console.WriteLine($"Api        {api}");
        Console.WriteLine("  " + await http.GetStringAsync($"{api}/items/42"));

        var server = Functions.StaticServer.GetWebUrl();
        Console.WriteLine($"Static     {server}");
        Console.WriteLine("  " + await http.GetStringAsync($"{server}/hello.txt"));

        if (serve)
        {
            Console.WriteLine("Serving until Ctrl+C.");
            var stop = new TaskCompletionSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.TrySetResult();
            };
            await stop.Task;
        }
    }

    private static async Task PrintEventsAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Console.WriteLine($"  event: {line["data: ".Length..]}");
            }
        }
    }

    // Endpoint URLs are http://<workspace>--<app>-<function>.localhost:<port>; browsers send *.localhost to loopback,
    // and so does this client, keeping the name in the Host header that routes the request.
    private static async ValueTask<Stream> ConnectToLoopbackAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private static async Task ServeOneAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var path = request.ToString().Split(' ', 3) is [_, var target, _] ? target : "/";
            var body = $"a plain socket server answered {path}\n";
            var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(response));
        }
    }
}

public sealed record Greeting(string Message, DateTimeOffset At);

public sealed record OrderItem(string Sku, int Quantity, decimal UnitPrice);

public sealed record Order(List<OrderItem> Items, string? Coupon = null);

public sealed record OrderSummary(int Lines, decimal Total, string Coupon);
