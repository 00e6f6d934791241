using System.ComponentModel;
using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal app logs NAME [-f]</c>: the runs of the app's schedules (due time, call id, status), newest last; with
/// <c>-f</c> it keeps printing new runs. Container output is not kept by the server yet: it goes to the server's console.
/// </summary>
public sealed class AppLogsCommand : ModalCommand<AppLogsCommand.Settings>
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(1);

    public sealed class Settings : AppNameSettings
    {
        [CommandOption("-f|--follow")]
        [Description("Keep printing new runs until Ctrl+C.")]
        public bool Follow { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        var printed = new HashSet<(string, long, bool, string)>();
        do
        {
            var response = await connection.Platform.ScheduleRunsAsync(
                new ScheduleRunsRequest { AppName = settings.Name, Environment = connection.Environment, Limit = 200 }, connection.Call(cancellationToken)).ConfigureAwait(false);
            foreach (var run in response.Runs.Reverse())
            {
                if (!printed.Add((run.FunctionName, run.DueAtMs, run.Manual, run.Status)))
                {
                    continue;
                }

                if (settings.Json)
                {
                    WriteJson(new JsonObject
                    {
                        ["function"] = run.FunctionName,
                        ["dueAtMs"] = run.DueAtMs,
                        ["functionCallId"] = run.FunctionCallId,
                        ["manual"] = run.Manual,
                        ["status"] = run.Status,
                    });
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated($"{Time(run.DueAtMs)}  {run.FunctionName}  {(run.Manual ? "run now" : "schedule")}  {run.FunctionCallId}  {run.Status}");
                }
            }

            if (settings.Follow)
            {
                await Task.Delay(FollowInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        while (settings.Follow && !cancellationToken.IsCancellationRequested);

        return 0;
    }
}
