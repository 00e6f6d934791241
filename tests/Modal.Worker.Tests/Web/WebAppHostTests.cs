using System.Net;
using Modal.Manifest;
using Modal.Worker.Web;

namespace Modal.Worker.Tests.Web;

public sealed class WebAppHostTests
{
    private static readonly WebManifest App = new() { Kind = "app" };

    [Fact]
    public async Task A_web_application_runs_its_startup_hooks_before_ready_and_drains_requests_before_its_shutdown_hooks()
    {
        AppFunctions.Events.Clear();
        AppFunctions.ReleaseSlowRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
        AppFunctions.SlowRequestStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var web = await WebHostHarness.StartAsync(WebHostHarness.Function(typeof(AppFunctions), nameof(AppFunctions.Lifespan), App));
        AppFunctions.Events.Enqueue("ready");

        Assert.Equal(IPAddress.Loopback, web.Endpoint.Address);
        Assert.NotEqual(5999, web.Endpoint.Port);
        Assert.Equal("hi", await web.Client.GetStringAsync("hello"));

        var slow = web.Client.GetStringAsync("slow");
        await AppFunctions.SlowRequestStarted.Task.WaitAsync(WebHostHarness.Generous);
        using var timeout = new CancellationTokenSource(WebHostHarness.Generous);
        var stop = web.Host.StopAsync(timeout.Token);
        await WaitForAsync(() => AppFunctions.Events.Contains("stopping"));

        // Stopping does not cut the request in flight: it finishes, and only then do the shutdown hooks end.
        Assert.False(stop.IsCompleted);
        AppFunctions.ReleaseSlowRequest.SetResult();
        Assert.Equal("done", await slow.WaitAsync(WebHostHarness.Generous));
        await stop.WaitAsync(WebHostHarness.Generous);
        await web.Host.DisposeAsync();
        web.Client.Dispose();

        Assert.Equal(
            ["hosted service started", "started", "ready", "slow request began", "stopping", "slow request ended", "hosted service stopped", "stopped"],
            AppFunctions.Events.ToArray());
    }

    [Fact]
    public async Task A_request_delegate_is_served_by_the_worker()
    {
        await using (var web = await WebHostHarness.StartAsync(WebHostHarness.Function(typeof(AppFunctions), nameof(AppFunctions.Pipeline), App)))
        {
            Assert.Equal("pipeline saw /any/path", await web.Client.GetStringAsync("any/path"));
        }

        await using (var web = await WebHostHarness.StartAsync(WebHostHarness.Function(typeof(AppFunctions), nameof(AppFunctions.PipelineAsync), App)))
        {
            Assert.Equal("async pipeline", await web.Client.GetStringAsync(""));
        }
    }

    [Fact]
    public async Task Returning_something_else_is_an_error_that_says_what_to_return()
    {
        var error = await Assert.ThrowsAsync<InvalidError>(() =>
            WebHostHarness.StartAsync(WebHostHarness.Function(typeof(AppFunctions), nameof(AppFunctions.NotAnApp), App)));
        Assert.Contains("returned System.String", error.Message);
        Assert.Contains("WebApplication", error.Message);
        Assert.Contains("RequestDelegate", error.Message);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(WebHostHarness.Generous);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
