using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Modal.TestApp;

/// <summary>Web functions the gateway's end-to-end tests serve through real workers.</summary>
public static partial class TestApp
{
    /// <summary>The port <see cref="GatewayEcho"/> listens on; unusual, so it meets no other test's server.</summary>
    public const int GatewayEchoPort = 18744;

    /// <summary>A tiny Kestrel app on a fixed port, started by the function as the reference's <c>web_server</c> starts any server.</summary>
    [Function, Concurrent(MaxInputs = 2), WebServer(GatewayEchoPort, StartupTimeout = 60)]
    public static async Task GatewayEcho()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{GatewayEchoPort}");
        var app = builder.Build();
        app.MapGet("/", (HttpRequest request) => $"echo from {Environment.ProcessId} for {request.Headers["X-Forwarded-Host"]}");
        app.MapPost("/length", async (HttpRequest request) =>
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        });
        // Started, not run: the function returns and the server keeps listening for the container's life.
        await app.StartAsync();
    }

    /// <summary>
    /// A request delegate the worker hosts, so the gateway reaches it in web frames over its Unix socket: echoes bodies
    /// (with the process and the frame connection that carried them), holds a request until the client leaves, fails
    /// after its response started, or hangs until its container is killed. Files tell the test what it did.
    /// </summary>
    [Function, Concurrent(MaxInputs = 64), WebApp]
    public static RequestDelegate FrameProbe() => async context =>
    {
        var request = context.Request;
        var response = context.Response;
        var file = request.Query["file"].ToString();
        switch (request.Path.Value)
        {
            case "/echo":
                response.Headers["x-pid"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["x-connection"] = context.Connection.Id;
                using (var body = new MemoryStream())
                {
                    await request.Body.CopyToAsync(body, context.RequestAborted);
                    await response.Body.WriteAsync(body.ToArray(), context.RequestAborted);
                }

                break;
            case "/pid":
                await response.WriteAsync(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "/hold":
                await response.WriteAsync("held\n");
                await response.Body.FlushAsync();
                await System.IO.File.WriteAllTextAsync(file + ".started", "started");
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    await System.IO.File.WriteAllTextAsync(file + ".aborted", "aborted");
                }

                break;
            case "/fail-midway":
                await response.WriteAsync("partial\n");
                await response.Body.FlushAsync();
                // Fails once the test has read what was sent, so the failure cannot overtake it.
                while (!System.IO.File.Exists(file + ".go"))
                {
                    await Task.Delay(50, context.RequestAborted);
                }

                throw new InvalidOperationException("failed after the response started");
            case "/hang":
                await System.IO.File.WriteAllTextAsync(file + ".started", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    };
}
