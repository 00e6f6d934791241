using Modal.Manifest;
using Modal.Protocol;
using Modal.Schedules;

namespace Modal.Server.Tests;

public class ScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The test app with one more function, Tick, that takes no arguments and has <paramref name="schedule"/>.</summary>
    private static string ScheduledManifest(ScheduleManifest schedule)
    {
        var manifest = AppManifest.Parse(ServerFixture.Manifest());
        var square = manifest.Functions.Single(f => f.Name == "Square");
        var tick = square with { Name = "Tick", Parameters = [], Schedule = schedule };
        return System.Text.Json.JsonSerializer.Serialize(manifest with { Functions = [.. manifest.Functions, tick] }, AppManifest.JsonOptions);
    }

    [Fact]
    public async Task A_period_fires_each_tick_once_even_across_a_control_plane_restart()
    {
        var backend = new RecordingBackend();
        var server = await ServerFixture.StartAsync(backend: backend);
        server.KeepState = true;
        var state = server.StateDirectory;
        var admin = server.Connect();
        await ServerFixture.DeployAsync(admin, "ticking", ScheduledManifest(new ScheduleManifest { Kind = "period", PeriodSeconds = 1 }));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        admin.Dispose();
        await server.DisposeAsync();

        await using var restarted = await ServerFixture.StartAsync(backend: new RecordingBackend(), stateDirectory: state);
        using var connection = restarted.Connect();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var listed = (await connection.Platform.ScheduleRunsAsync(new ScheduleRunsRequest { AppName = "ticking" }, connection.Call)).Runs;
        // The newest tick may be claimed and not yet spawned at the moment of listing.
        Assert.True(listed.Count(r => r.FunctionCallId.Length == 0) <= 1);
        var runs = listed.Where(r => !r.Manual && r.FunctionCallId.Length > 0).OrderBy(r => r.DueAtMs).ToList();

        Assert.True(runs.Count >= 3, $"expected ticks before and after the restart, got {runs.Count}");
        Assert.Equal(runs.Count, runs.Select(r => r.DueAtMs).Distinct().Count());
        Assert.Equal(runs.Count, runs.Select(r => r.FunctionCallId).Distinct().Count());
        Assert.All(runs, r => Assert.StartsWith("fc-", r.FunctionCallId));
        Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.True(pair.Second.DueAtMs - pair.First.DueAtMs >= 1000));

        // Every run is a spawned call with its one input, visible by id.
        foreach (var run in runs)
        {
            var info = await connection.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = run.FunctionCallId }, connection.Call);
            Assert.Equal(1, info.NumInputs);
        }
    }

    [Fact]
    public async Task Run_now_starts_a_scheduled_function_at_once_and_shows_in_the_runs()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        await ServerFixture.DeployAsync(admin, "daily", ScheduledManifest(new ScheduleManifest { Kind = "cron", Cron = "0 6 * * *", TimeZone = "America/New_York" }));
        var started = await admin.Platform.ScheduleRunNowAsync(new ScheduleRunNowRequest { AppName = "daily", FunctionName = "Tick" }, admin.Call);
        var run = Assert.Single((await admin.Platform.ScheduleRunsAsync(new ScheduleRunsRequest { AppName = "daily" }, admin.Call)).Runs);
        Assert.True(run.Manual);
        Assert.Equal(started.FunctionCallId, run.FunctionCallId);
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () =>
            await admin.Platform.ScheduleRunNowAsync(new ScheduleRunNowRequest { AppName = "daily", FunctionName = "Square" }, admin.Call)));
    }

    [Fact]
    public void A_period_restarts_at_redeploy_and_a_cron_follows_the_clock()
    {
        var hour = new ScheduleManifest { Kind = "period", PeriodSeconds = 3600 };
        var deployed = Start.ToUnixTimeMilliseconds();
        var firstTick = deployed + 3_600_000;
        Assert.Equal(firstTick, ScheduleRunner.NextDue(hour, null, deployed, deployed));
        Assert.Equal(firstTick + 3_600_000, ScheduleRunner.NextDue(hour, firstTick, deployed, firstTick));
        var redeployed = firstTick + 1_800_000;
        Assert.Equal(redeployed + 3_600_000, ScheduleRunner.NextDue(hour, firstTick, redeployed, redeployed));

        var hourly = new ScheduleManifest { Kind = "cron", Cron = "0 * * * *" };
        var elevenUtc = Start.AddHours(1).ToUnixTimeMilliseconds();
        Assert.Equal(elevenUtc, ScheduleRunner.NextDue(hourly, deployed, deployed + 1_800_000, deployed + 1_800_000));

        var newYork = new ScheduleManifest { Kind = "cron", Cron = "0 6 * * *", TimeZone = "America/New_York" };
        Assert.Equal(Start.AddHours(1).ToUnixTimeMilliseconds(), ScheduleRunner.NextDue(newYork, null, deployed, deployed));

        // Ticks missed while the server was down collapse into the latest one.
        var later = deployed + (10 * 3_600_000) + 5;
        Assert.Equal(deployed + (10 * 3_600_000), ScheduleRunner.NextDue(hour, firstTick, deployed, later));
        Assert.Equal(Start.AddHours(10).ToUnixTimeMilliseconds(), ScheduleRunner.NextDue(hourly, deployed, deployed, later));
    }
}
