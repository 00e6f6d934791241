using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;

namespace Modal.Cli.Commands;

/// <summary><c>modal app list</c>: deployed apps (latest version of each) and running ephemeral apps of the workspace.</summary>
public sealed class AppListCommand : ModalCommand<CliSettings>
{
    protected override async Task<int> RunAsync(CliSettings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        var response = await connection.Platform.AppListAsync(new AppListRequest { Environment = connection.Environment }, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonArray([.. response.Apps.Select(a => (JsonNode)new JsonObject
            {
                ["appId"] = a.AppId,
                ["name"] = a.Name,
                ["state"] = StateName(a.State),
                ["version"] = a.Version,
                ["createdAtMs"] = a.CreatedAtMs,
            })]));
            return 0;
        }

        var table = new Table().AddColumns("App ID", "Name", "State", "Version", "Created");
        foreach (var app in response.Apps)
        {
            table.AddRow(app.AppId, Markup.Escape(app.Name), StateName(app.State), app.Version == 0 ? "-" : app.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), Time(app.CreatedAtMs));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    internal static string StateName(AppState state) => state switch
    {
        AppState.Deployed => "deployed",
        AppState.Stopped => "stopped",
        AppState.Ephemeral => "ephemeral",
        AppState.Detached => "detached",
        _ => "unknown",
    };
}
