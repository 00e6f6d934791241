using Cronos;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Modal.Auth;
using Modal.Deployments;
using Modal.Manifest;
using Modal.Protocol;
using Modal.Scheduling;

namespace Modal.Schedules;

/// <summary>
/// Runs the <c>Period</c> and <c>Cron</c> schedules of deployed apps. Each tick is claimed in <c>platform.db</c> (its
/// schedule and due time are the key) together with the id its call will have, then the call is stored under that id;
/// so a tick fires once even when the server restarts: at the next start a claim whose call is not stored is started,
/// and one whose call is stored is not started again. A Period counts from the current
/// version's deploy (a redeploy restarts it); a Cron follows the clock and ignores deploys. Ticks missed while the
/// server was down collapse into one run.
/// </summary>
internal sealed class ScheduleRunner(Scheduler scheduler, PlatformServices platform, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    // A scheduled function takes no arguments: its argument record is the empty MessagePack array.
    private static readonly ByteString NoArguments = ByteString.CopyFrom(0x90);

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A claim whose call is not in the state store was never started (the server died in between): start it now,
        // under the id the claim recorded. One whose call is stored was started, and must not run twice. Calls older
        // than the result retention are purged, so older claims are not looked at.
        var since = platform.NowMs - (long)TimeSpan.FromDays(Modal.Rules.ModalLimits.ResultRetentionDays).TotalMilliseconds;
        foreach (var (key, dueMs, function, appId, manual, claimedCallId) in await platform.Store.RecentClaimsAsync(since, cancellationToken).ConfigureAwait(false))
        {
            var app = scheduler.Apps.FirstOrDefault(a => a.AppId == appId && !a.IsStopped);
            if (app?.Functions.GetValueOrDefault(function) is not { } runtime)
            {
                continue;
            }

            var callId = claimedCallId;
            if (callId is null)
            {
                callId = IdGenerator.New("fc");
                await platform.Store.SetTickCallAsync(key, dueMs, manual, callId, cancellationToken).ConfigureAwait(false);
            }
            else if (await IsStoredAsync(callId, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            await SpawnAsync(key, dueMs, runtime, manual, callId, cancellationToken).ConfigureAwait(false);
        }

        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    /// <summary>Runs a scheduled function of a deployed app now; this does not move its schedule.</summary>
    public async Task<string> RunNowAsync(string workspace, string environment, string appName, string functionName, CancellationToken cancellationToken)
    {
        var (deployment, app) = await CurrentAsync(workspace, environment, appName, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundError($"No deployed app named '{appName}' runs in environment '{environment}'. Deploy it first.");
        if (!app.Functions.TryGetValue(functionName, out var function) || function.Manifest.Schedule is null)
        {
            throw new NotFoundError(
                $"App '{appName}' has no scheduled function named '{functionName}'. Its scheduled functions: " +
                $"{string.Join(", ", app.Functions.Values.Where(f => f.Manifest.Schedule is not null).Select(f => f.Name).Order(StringComparer.Ordinal))}.");
        }

        var key = Key(deployment, functionName);
        var now = platform.NowMs;
        var callId = IdGenerator.New("fc");
        while (!await platform.Store.ClaimTickAsync(key, now, functionName, app.AppId, manual: true, callId, cancellationToken).ConfigureAwait(false))
        {
            now++;
        }

        return await SpawnAsync(key, now, function, manual: true, callId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ScheduleRunsResponse> RunsAsync(string workspace, string environment, string appName, int limit, CancellationToken cancellationToken)
    {
        var response = new ScheduleRunsResponse();
        var prefix = $"{workspace}/{environment}/{appName}/";
        foreach (var (function, dueMs, callId, manual) in await platform.Store.RunsAsync(prefix, limit <= 0 ? 100 : limit, cancellationToken).ConfigureAwait(false))
        {
            var status = "pending";
            if (callId is not null)
            {
                try
                {
                    var info = await scheduler.GetCallInfoAsync(callId, cancellationToken).ConfigureAwait(false);
                    status = info.NumInputs > 0 && info.NumCompleted >= info.NumInputs ? "completed" : "pending";
                }
                catch (ModalException)
                {
                    status = "completed";
                }
            }

            response.Runs.Add(new ScheduleRun { FunctionName = function, DueAtMs = dueMs, FunctionCallId = callId ?? "", Manual = manual, Status = status });
        }

        return response;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>When the next tick after <paramref name="lastMs"/> is due; collapsed to the latest one at or before now.</summary>
    internal static long NextDue(ScheduleManifest schedule, long? lastMs, long deployedAtMs, long nowMs)
    {
        if (schedule.Kind == "period")
        {
            var period = (long)Math.Max(1, Math.Round((schedule.PeriodSeconds ?? 0) * 1000));
            var from = Math.Max(lastMs ?? deployedAtMs, deployedAtMs);
            var due = deployedAtMs + (((from - deployedAtMs) / period) + 1) * period;
            return due <= nowMs ? deployedAtMs + ((nowMs - deployedAtMs) / period) * period : due;
        }

        var expression = CronExpression.Parse(schedule.Cron ?? throw new InvalidError("A cron schedule has no expression."));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrEmpty(schedule.TimeZone) ? "UTC" : schedule.TimeZone);
        var next = expression.GetNextOccurrence(DateTimeOffset.FromUnixTimeMilliseconds(lastMs ?? deployedAtMs), zone)
            ?? throw new InvalidError($"Cron expression '{schedule.Cron}' never fires.");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        while (next <= now && expression.GetNextOccurrence(next, zone) is { } later && later <= now)
        {
            next = later;
        }

        return next.ToUnixTimeMilliseconds();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
        {
            try
            {
                await TickAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                logger.LogError(ex, "Running schedules failed");
            }
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var running = scheduler.Apps.Where(a => !a.IsStopped && a.State == AppState.Deployed).ToDictionary(a => a.AppId, StringComparer.Ordinal);
        if (!running.Values.Any(a => a.Functions.Values.Any(f => f.Manifest.Schedule is not null)))
        {
            return;
        }

        foreach (var group in (await platform.Store.AllDeploymentsAsync(cancellationToken).ConfigureAwait(false)).GroupBy(d => (d.Workspace, d.Environment, d.Name)))
        {
            var current = group.MaxBy(d => d.Version)!;
            if (current.Stopped || !running.TryGetValue(current.AppId, out var app))
            {
                continue;
            }

            foreach (var function in app.Functions.Values.Where(f => f.Manifest.Schedule is not null))
            {
                var key = Key(current, function.Name);
                var last = await platform.Store.LastTickAsync(key, cancellationToken).ConfigureAwait(false);
                var now = platform.NowMs;
                var due = NextDue(function.Manifest.Schedule!, last, current.DeployedAtMs, now);
                var callId = IdGenerator.New("fc");
                if (due <= now && await platform.Store.ClaimTickAsync(key, due, function.Name, app.AppId, manual: false, callId, cancellationToken).ConfigureAwait(false))
                {
                    await SpawnAsync(key, due, function, manual: false, callId, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<(DeploymentRecord Deployment, RunningApp App)?> CurrentAsync(string workspace, string environment, string appName, CancellationToken cancellationToken)
    {
        var history = await platform.Store.HistoryAsync(workspace, environment, appName, cancellationToken).ConfigureAwait(false);
        if (history.Count == 0 || history[0].Stopped)
        {
            return null;
        }

        var app = scheduler.Apps.FirstOrDefault(a => a.AppId == history[0].AppId && !a.IsStopped);
        return app is null ? null : (history[0], app);
    }

    private async Task<bool> IsStoredAsync(string callId, CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.GetCallInfoAsync(callId, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NotFoundError)
        {
            return false;
        }
        catch (OutputExpiredError)
        {
            return true;
        }
    }

    /// <summary>Starts a claimed tick's call under the id its claim recorded.</summary>
    private async Task<string> SpawnAsync(string key, long dueMs, FunctionRuntime function, bool manual, string callId, CancellationToken cancellationToken)
    {
        CrashPoint.Hit(CrashPoint.ScheduleAfterClaim);
        var request = new FunctionMapRequest
        {
            FunctionId = function.FunctionId,
            CallType = FunctionCallType.Unary,
            InvocationType = FunctionCallInvocationType.Async,
            InputsComplete = true,
        };
        request.PipelinedInputs.Add(new FunctionInput { Idx = 0, Args = new Payload { Inline = NoArguments } });
        // Owned first: a call that exists after a crash is visible to its workspace.
        await platform.SetOwnerAsync([callId], platform.OwnerOf(function.App.AppId) ?? PlatformServices.DefaultWorkspace, durable: true, cancellationToken).ConfigureAwait(false);
        var created = await scheduler.MapAsync(request, cancellationToken, callId).ConfigureAwait(false);
        CrashPoint.Hit(CrashPoint.ScheduleAfterSpawn);
        logger.LogInformation("Schedule {Schedule} ran {Function} ({CallId}) for the tick due at {Due}", key, function.Name, created.FunctionCallId, DateTimeOffset.FromUnixTimeMilliseconds(dueMs));
        return created.FunctionCallId;
    }

    private static string Key(DeploymentRecord deployment, string functionName) =>
        $"{deployment.Workspace}/{deployment.Environment}/{deployment.Name}/{functionName}";
}
