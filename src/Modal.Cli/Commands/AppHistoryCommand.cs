using System.Globalization;
using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;

namespace Modal.Cli.Commands;

/// <summary><c>modal app history NAME</c>: the deployed versions, newest first.</summary>
public sealed class AppHistoryCommand : ModalCommand<AppNameSettings>
{
    protected override async Task<int> RunAsync(AppNameSettings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        var response = await connection.Platform.AppHistoryAsync(new AppHistoryRequest { Name = settings.Name, Environment = connection.Environment }, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonArray([.. response.Versions.Select(v => (JsonNode)new JsonObject
            {
                ["version"] = v.Version,
                ["appId"] = v.AppId,
                ["deployedAtMs"] = v.DeployedAtMs,
                ["rollbackOf"] = v.RollbackOf == 0 ? null : v.RollbackOf,
                ["current"] = v.Current,
            })]));
            return 0;
        }

        var table = new Table().AddColumns("Version", "App ID", "Deployed", "Note");
        foreach (var version in response.Versions)
        {
            var note = (version.Current ? "current" : "") + (version.RollbackOf == 0 ? "" : $" rollback to v{version.RollbackOf}");
            table.AddRow("v" + version.Version.ToString(CultureInfo.InvariantCulture), version.AppId, Time(version.DeployedAtMs), note.Trim());
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
