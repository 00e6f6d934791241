using System.ComponentModel;
using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary><c>modal app rollback NAME [VERSION]</c>: deploys an earlier version again, as a new version.</summary>
public sealed class AppRollbackCommand : ModalCommand<AppRollbackCommand.Settings>
{
    public sealed class Settings : AppNameSettings
    {
        [CommandArgument(1, "[version]")]
        [Description("The version to return to, as N or vN (default: the one before the current).")]
        public string? Version { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var version = 0;
        if (settings.Version is { Length: > 0 } text && !int.TryParse(text.TrimStart('v'), System.Globalization.CultureInfo.InvariantCulture, out version))
        {
            throw new InvalidError($"'{text}' is not a version; pass a number such as 3 or v3 (see `modal app history {settings.Name}`).");
        }

        using var connection = CliConnection.Open(settings.Environment);
        var response = await connection.Platform.AppRollbackAsync(new AppRollbackRequest { Name = settings.Name, Version = version, Environment = connection.Environment }, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonObject { ["appId"] = response.AppId, ["version"] = response.Version });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Rolled back '{settings.Name}': now version {response.Version} ({response.AppId}).");
        }

        return 0;
    }
}
