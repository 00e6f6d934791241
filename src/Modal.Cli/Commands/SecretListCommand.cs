using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;

namespace Modal.Cli.Commands;

/// <summary><c>modal secret list</c>: names and key names, never values.</summary>
public sealed class SecretListCommand : ModalCommand<CliSettings>
{
    protected override async Task<int> RunAsync(CliSettings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        var response = await connection.Platform.SecretListAsync(new SecretListRequest { Environment = connection.Environment }, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonArray([.. response.Secrets.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["keys"] = new JsonArray([.. s.Keys.Select(k => (JsonNode)k)]),
                ["createdAtMs"] = s.CreatedAtMs,
            })]));
            return 0;
        }

        var table = new Table().AddColumns("Name", "Keys", "Created");
        foreach (var secret in response.Secrets)
        {
            table.AddRow(Markup.Escape(secret.Name), Markup.Escape(string.Join(", ", secret.Keys)), Time(secret.CreatedAtMs));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
