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
}
