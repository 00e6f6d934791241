using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary><c>modal secret delete NAME</c>.</summary>
public sealed class SecretDeleteCommand : ModalCommand<SecretDeleteCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<name>")]
        public string Name { get; init; } = "";
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        await connection.Platform.SecretDeleteAsync(new SecretDeleteRequest { Name = settings.Name, Environment = connection.Environment }, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonObject { ["deleted"] = settings.Name });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Deleted secret '{settings.Name}'.");
        }

        return 0;
    }
}
