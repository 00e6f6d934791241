using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Modal.Worker.Tests.Web;

/// <summary>User-shaped [WebApp] and [WebServer] functions for the worker's hosts.</summary>
public static class AppFunctions
{
    /// <summary>What the lifespan app saw, in order: its hooks and its requests.</summary>
    public static readonly ConcurrentQueue<string> Events = new();

    public static TaskCompletionSource ReleaseSlowRequest { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TaskCompletionSource SlowRequestStarted { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Function]
    public static WebApplication Lifespan()
    {
        // Configured for another address on purpose: the worker moves it to loopback.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://0.0.0.0:5999");
        builder.Services.AddHostedService<Warmup>();
        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => Events.Enqueue("started"));
        app.Lifetime.ApplicationStopping.Register(() => Events.Enqueue("stopping"));
        app.Lifetime.ApplicationStopped.Register(() => Events.Enqueue("stopped"));
        app.MapGet("/hello", () => "hi");
        app.MapGet("/slow", async () =>
        {
            Events.Enqueue("slow request began");
            SlowRequestStarted.TrySetResult();
            await ReleaseSlowRequest.Task;
            Events.Enqueue("slow request ended");
            return "done";
        });
        return app;
    }

    [Function]
    public static RequestDelegate Pipeline() => context => context.Response.WriteAsync($"pipeline saw {context.Request.Path}");

    [Function]
    public static async Task<RequestDelegate> PipelineAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(1, cancellationToken);
        return context => context.Response.WriteAsync("async pipeline");
    }

    [Function]
    public static string NotAnApp() => "oops";

    /// <summary>The port the next [WebServer] test's server listens on, with a delay before it starts listening.</summary>
    public static int ServerPort { get; set; }

    public static TcpListener? Listener { get; private set; }

    [Function]
    public static void StartsLate()
    {
        _ = Task.Run(async () =>
        {
            await Task.Delay(300);
            Listener = new TcpListener(IPAddress.Loopback, ServerPort);
            Listener.Start();
        });
    }

    [Function]
    public static void NeverListens()
    {
    }

    [Function]
    public static void Crashes() => throw new InvalidOperationException("missing config file");

    private sealed class Warmup : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Events.Enqueue("hosted service started");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Events.Enqueue("hosted service stopped");
            return Task.CompletedTask;
        }
    }
}
