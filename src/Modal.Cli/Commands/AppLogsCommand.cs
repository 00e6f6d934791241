using System.ComponentModel;
using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal app logs NAME [-f]</c>: what the app's containers wrote to stdout and stderr (the server keeps the newest
/// entries of each app name), and the runs of its schedules (due time, call id, status); with <c>-f</c> it keeps
/// printing both as they come, until Ctrl+C.
/// </summary>
public sealed class AppLogsCommand : ModalCommand<AppLogsCommand.Settings>
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(500);

    public sealed class Settings : AppNameSettings
    {
        [CommandOption("-f|--follow")]
        [Description("Keep printing new output and runs until Ctrl+C.")]
        public bool Follow { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        var printed = new HashSet<(string, long, bool, string)>();
        long cursor = 0;
        try
        {
            do
            {
                var runs = await connection.Platform.ScheduleRunsAsync(
                    new ScheduleRunsRequest { AppName = settings.Name, Environment = connection.Environment, Limit = 200 }, connection.Call(cancellationToken)).ConfigureAwait(false);
                foreach (var run in runs.Runs.Reverse())
                {
                    if (printed.Add((run.FunctionName, run.DueAtMs, run.Manual, run.Status)))
                    {
                        PrintRun(run, settings.Json);
                    }
                }

                AppLogsResponse logs;
                do
                {
                    logs = await connection.Platform.AppLogsAsync(
                        new AppLogsRequest { AppName = settings.Name, Environment = connection.Environment, AfterId = cursor }, connection.Call(cancellationToken)).ConfigureAwait(false);
                    foreach (var entry in logs.Entries)
                    {
                        PrintLog(entry, settings.Json);
                    }

                    cursor = logs.LastId;
                }
                while (logs.Entries.Count > 0);

                if (settings.Follow)
                {
                    await Task.Delay(FollowInterval, cancellationToken).ConfigureAwait(false);
                }
            }
            while (settings.Follow);
        }
        catch (OperationCanceledException) when (settings.Follow && cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends following.
        }

        return 0;
    }

    private static void PrintRun(ScheduleRun run, bool json)
    {
        if (json)
        {
            WriteJson(new JsonObject
            {
                ["kind"] = "run",
                ["function"] = run.FunctionName,
                ["dueAtMs"] = run.DueAtMs,
                ["functionCallId"] = run.FunctionCallId,
                ["manual"] = run.Manual,
                ["status"] = run.Status,
            });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]{Time(run.DueAtMs)}  {run.FunctionName}  {(run.Manual ? "run now" : "schedule")}  {run.FunctionCallId}  {run.Status}[/]");
        }
    }

    private static void PrintLog(AppLogEntry entry, bool json)
    {
        if (json)
        {
            WriteJson(new JsonObject
            {
                ["kind"] = "log",
                ["atMs"] = entry.AtMs,
                ["appId"] = entry.AppId,
                ["function"] = entry.FunctionName,
                ["taskId"] = entry.TaskId,
                ["inputId"] = entry.InputId,
                ["stream"] = entry.Fd == 2 ? "stderr" : "stdout",
                ["data"] = entry.Data,
            });
            return;
        }

        // Plain text, not markup: the output is the user's, and may hold brackets.
        var prefix = string.IsNullOrEmpty(entry.InputId) ? $"[{entry.FunctionName}] " : $"[{entry.FunctionName} {entry.InputId}] ";
        var target = entry.Fd == 2 ? Console.Error : Console.Out;
        foreach (var line in entry.Data.TrimEnd('\n').Split('\n'))
        {
            target.WriteLine(prefix + line.TrimEnd('\r'));
        }
    }
}
