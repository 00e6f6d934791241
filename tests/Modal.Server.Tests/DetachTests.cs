using Modal.Protocol;

namespace Modal.Server.Tests;

/// <summary>
/// <c>modal run</c> against a server, with the client killed hard (SIGKILL: no code of its own runs). Without
/// <c>--detach</c> the ephemeral app stops once its heartbeats stop; with it, the app runs on until its calls finish.
/// </summary>
public class DetachTests
{
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_detached_run_outlives_its_killed_client_until_its_call_finishes_then_stops()
    {
        await using var server = await ServerFixture.StartAsync(configure: o => o with { AppHeartbeatTimeout = HeartbeatTimeout });
        var scheduler = server.Host.Scheduler;
        using var client = CliProcess.Start(server.Host.Address, server.Admin, "run", "--detach", CliProcess.TestAppAssembly + "::Sleep", "--", "--ms", "20000");
        var app = await RunningCallAsync(server, client);
        Assert.Equal(AppState.Detached, app.State);

        client.Kill();
        await client.WaitForExitAsync();
        // Well past the heartbeat timeout, the call is still running and so is the app.
        await Task.Delay(HeartbeatTimeout * 3);
        Assert.True(scheduler.HasUnfinishedCalls(app.AppId), "the 20 s call finished before the check");
        Assert.False(app.IsStopped);

        await CliProcess.WaitUntilAsync(() => app.IsStopped, "the detached app stopped after its call finished");
        Assert.False(scheduler.HasUnfinishedCalls(app.AppId));
        using var admin = server.Connect();
        Assert.DoesNotContain((await admin.Platform.AppListAsync(new AppListRequest(), admin.Call)).Apps, a => a.AppId == app.AppId);
    }

    [Fact]
    public async Task Without_detach_killing_the_client_stops_the_ephemeral_app_and_its_call()
    {
        await using var server = await ServerFixture.StartAsync(configure: o => o with { AppHeartbeatTimeout = HeartbeatTimeout });
        var scheduler = server.Host.Scheduler;
        using var client = CliProcess.Start(server.Host.Address, server.Admin, "run", CliProcess.TestAppAssembly + "::Sleep", "--", "--ms", "120000");
        var app = await RunningCallAsync(server, client);
        Assert.Equal(AppState.Ephemeral, app.State);

        client.Kill();
        await client.WaitForExitAsync();
        await CliProcess.WaitUntilAsync(() => app.IsStopped, "the ephemeral app stopped after its client's heartbeats stopped", seconds: 60);
        await CliProcess.WaitUntilAsync(() => !scheduler.HasUnfinishedCalls(app.AppId), "stopping the app ended its call", seconds: 30);
    }

    [Fact]
    public async Task App_stop_stops_a_detached_run_by_name()
    {
        await using var server = await ServerFixture.StartAsync();
        using var client = CliProcess.Start(server.Host.Address, server.Admin, "run", "--detach", CliProcess.TestAppAssembly + "::Sleep", "--", "--ms", "120000");
        var app = await RunningCallAsync(server, client);
        var stopped = await CliProcess.RunAsync(server.Host.Address, server.Admin, "app", "stop", "testapp", "--json");
        Assert.True(stopped.ExitCode == 0, stopped.Stdout + stopped.Stderr);
        Assert.Contains(app.AppId, stopped.Stdout);
        Assert.True(app.IsStopped);
        // The client sees its call end with the app, and fails.
        await client.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(1, client.ExitCode);
    }

    /// <summary>Waits until the client's app exists and its call has reached the control plane.</summary>
    private static async Task<Modal.Scheduling.RunningApp> RunningCallAsync(ServerFixture server, System.Diagnostics.Process client)
    {
        Modal.Scheduling.RunningApp? app = null;
        await CliProcess.WaitUntilAsync(
            () =>
            {
                if (client.HasExited)
                {
                    Assert.Fail($"`modal run` exited early ({client.ExitCode}): {client.StandardError.ReadToEnd()}{client.StandardOutput.ReadToEnd()}");
                }

                app = server.Host.Scheduler.Apps.FirstOrDefault(a => a.Name == "testapp");
                return app is not null && server.Host.Scheduler.HasUnfinishedCalls(app.AppId);
            },
            "`modal run` created its app and called Sleep");
        return app!;
    }
}
