using System.ComponentModel;
using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal token new</c>: creates a token in the current token's workspace and saves it as a profile; with
/// <c>--proxy-auth</c>, a proxy-auth token for web endpoints instead, which is printed and never saved.
/// </summary>
public sealed class TokenNewCommand : ModalCommand<TokenNewCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandOption("--profile")]
        [Description("Profile to save the token under (default: the workspace's name).")]
        public string? Profile { get; init; }

        [CommandOption("--proxy-auth")]
        [Description("Create a proxy-auth token (Modal-Key/Modal-Secret headers) for web endpoints that require proxy auth; it cannot call the API and is not saved.")]
        public bool ProxyAuth { get; init; }

        [CommandOption("--no-save")]
        [Description("Print the token without saving it to ~/.modal.toml.")]
        public bool NoSave { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var connection = CliConnection.Open(settings.Environment);
        var token = await connection.Platform.TokenCreateAsync(new TokenCreateRequest { ProxyAuth = settings.ProxyAuth }, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.ProxyAuth)
        {
            if (settings.Json)
            {
                WriteJson(new JsonObject { ["tokenId"] = token.TokenId, ["tokenSecret"] = token.TokenSecret, ["workspace"] = token.Workspace, ["proxyAuth"] = true });
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Created proxy-auth token [bold]{token.TokenId}[/] in workspace '{token.Workspace}'. Send it with every request to an endpoint that requires proxy auth:");
                AnsiConsole.MarkupLineInterpolated($"  Modal-Key: {token.TokenId}");
                AnsiConsole.MarkupLineInterpolated($"  Modal-Secret: {token.TokenSecret}");
            }

            return 0;
        }

        var profile = settings.Profile ?? token.Workspace;
        if (!settings.NoSave)
        {
            ModalProfile.Save(new ModalProfile
            {
                Name = profile,
                ServerUrl = connection.ServerUrl.ToString().TrimEnd('/'),
                TokenId = token.TokenId,
                TokenSecret = token.TokenSecret,
            }, activate: true);
        }

        if (settings.Json)
        {
            WriteJson(new JsonObject { ["tokenId"] = token.TokenId, ["tokenSecret"] = token.TokenSecret, ["workspace"] = token.Workspace, ["profile"] = settings.NoSave ? null : profile });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Created token [bold]{token.TokenId}[/] in workspace '{token.Workspace}'.");
            if (settings.NoSave)
            {
                AnsiConsole.MarkupLineInterpolated($"Secret: {token.TokenSecret}");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Saved as profile '{profile}' in {ModalProfile.ConfigPath}.");
            }
        }

        return 0;
    }
}
