using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modal.TestApp;

/// <summary>Web functions the worker side of the web tests serves: endpoints, streams, an app and a raw server.</summary>
public static partial class TestApp
{
    /// <summary>The port <see cref="RawServer"/> listens on; unusual, so it does not meet another test's server.</summary>
    public const int RawServerPort = 18743;

    [Function, WebEndpoint(Docs = true)]
    public static string DocsGreet(string name, int times = 1) => string.Join(" ", Enumerable.Repeat($"hello {name}", times));

    [Function, WebEndpoint(Method = "POST", Docs = true)]
    public static string DescribePerson(Person person) => $"{person.Name} is {person.Age}{(person.Home is null ? "" : " and has a home")}";

    /// <summary>Streams another function's generator as server-sent events: the reference's <c>.remote_gen</c> example.</summary>
    [Function, WebEndpoint]
    public static async IAsyncEnumerable<int> StreamCountdown(int n, string gate)
    {
        await foreach (var item in Functions.Countdown.RemoteGenAsync(n, gate))
        {
            yield return item;
        }
    }

    /// <summary>Streams the results of a map as they arrive: the reference's <c>.map</c> example.</summary>
    [Function, WebEndpoint]
    public static async IAsyncEnumerable<int> StreamSquares(int n)
    {
        await foreach (var square in Functions.Square.MapAsync(Enumerable.Range(0, n)))
        {
            yield return square;
        }
    }

    [Function, WebApp]
    public static WebApplication HelloApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();
        app.MapGet("/", () => "hello from an ASP.NET Core app");
        app.MapGet("/square/{x:int}", (int x) => Results.Json(new { x, square = x * x }));
        return app;
    }

    /// <summary>Any HTTP server on a fixed port, here a bare socket loop, as the reference's <c>web_server</c> runs one.</summary>
    [Function, WebServer(RawServerPort, StartupTimeout = 30)]
    public static void RawServer()
    {
        var listener = new TcpListener(IPAddress.Loopback, RawServerPort);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync();
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        var buffer = new byte[8192];
                        var read = 0;
                        while (read < buffer.Length && !Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var n = await stream.ReadAsync(buffer.AsMemory(read));
                            if (n == 0)
                            {
                                return;
                            }

                            read += n;
                        }

                        var body = $"raw server in process {Environment.ProcessId}";
                        var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
                    }
                });
            }
        });
    }
}
