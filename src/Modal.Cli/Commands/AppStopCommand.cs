using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;

namespace Modal.Cli.Commands;

/// <summary><c>modal app stop NAME</c>: destructive; the app's containers stop and it cannot be restarted.</summary>
public sealed class AppStopCommand : ModalCommand<AppNameSettings>
{
    protected override async Task<int> RunAsync(AppNameSettings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        var response = await connection.Platform.AppStopByNameAsync(new AppStopByNameRequest { Name = settings.Name, Environment = connection.Environment }, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonObject { ["stopped"] = settings.Name, ["appId"] = response.AppId });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Stopped app '{settings.Name}' ({response.AppId}).");
        }

        return 0;
    }
}
