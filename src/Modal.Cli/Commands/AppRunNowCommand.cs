using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary><c>modal app run-now APP FUNCTION</c>: runs a scheduled function of a deployed app now.</summary>
public sealed class AppRunNowCommand : ModalCommand<AppRunNowCommand.Settings>
{
    public sealed class Settings : AppNameSettings
    {
        [CommandArgument(1, "<function>")]
        public string Function { get; init; } = "";
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        var response = await connection.Platform.ScheduleRunNowAsync(
            new ScheduleRunNowRequest { AppName = settings.Name, FunctionName = settings.Function, Environment = connection.Environment }, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonObject { ["functionCallId"] = response.FunctionCallId });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Started {settings.Name}.{settings.Function}: {response.FunctionCallId} (see `modal app logs {settings.Name}`).");
        }

        return 0;
    }
}
