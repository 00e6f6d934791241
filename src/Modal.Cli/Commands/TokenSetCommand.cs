using System.ComponentModel;
using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary><c>modal token set</c>: checks a token against the server, then saves it as a profile.</summary>
public sealed class TokenSetCommand : ModalCommand<TokenSetCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandOption("--token-id")]
        public string? TokenId { get; init; }

        [CommandOption("--token-secret")]
        public string? TokenSecret { get; init; }

        [CommandOption("--server-url")]
        [Description("The server's gRPC address (default: MODAL_SERVER_URL or the current profile's).")]
        public string? ServerUrl { get; init; }

        [CommandOption("--profile")]
        [Description("Profile to save under (default: the token's workspace).")]
        public string? Profile { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.TokenId) || string.IsNullOrEmpty(settings.TokenSecret))
        {
            throw new InvalidError("Pass both --token-id and --token-secret.");
        }

        var current = ModalOptions.FromEnvironment();
        var serverUrl = settings.ServerUrl is { Length: > 0 } url ? new Uri(url) : current.ServerUrl;
        using var connection = CliConnection.Open(settings.Environment, current with { ServerUrl = serverUrl, TokenId = settings.TokenId, TokenSecret = settings.TokenSecret });
        var who = await connection.Platform.WhoAmIAsync(new WhoAmIRequest(), connection.Call(cancellationToken)).ConfigureAwait(false);
        var profile = settings.Profile ?? who.Workspace;
        ModalProfile.Save(new ModalProfile
        {
            Name = profile,
            ServerUrl = connection.ServerUrl.ToString().TrimEnd('/'),
            TokenId = settings.TokenId,
            TokenSecret = settings.TokenSecret,
        }, activate: true);
        if (settings.Json)
        {
            WriteJson(new JsonObject { ["tokenId"] = settings.TokenId, ["workspace"] = who.Workspace, ["profile"] = profile });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Token {settings.TokenId} verified for workspace '{who.Workspace}'; saved as profile '{profile}'.");
        }

        return 0;
    }
}
