using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Modal.Auth;
using Modal.ControlPlane;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal server</c>: the control plane as a long-lived service. On its first start it creates the default workspace
/// and an admin token and writes them as a profile into ~/.modal.toml, unless a profile exists there already.
/// </summary>
public sealed class ServerCommand : ModalCommand<ServerCommand.Settings>
{
    /// <summary>The gRPC port a server listens on unless told otherwise.</summary>
    public const int DefaultPort = 50100;

    /// <summary>The web gateway's port unless told otherwise.</summary>
    public const int DefaultWebPort = 8000;

    public sealed class Settings : CliSettings
    {
        [CommandOption("--state-dir")]
        [Description("Directory of the server's state (database, blobs, keys). Default: ~/.modal/server.")]
        public string? StateDirectory { get; init; }

        [CommandOption("--port")]
        [Description("Loopback port of the gRPC API (0: any free port).")]
        [DefaultValue(DefaultPort)]
        public int Port { get; init; } = DefaultPort;

        [CommandOption("--http-port")]
        [Description("Loopback port of the HTTP listener that serves the JWKS (0: any free port).")]
        public int HttpPort { get; init; }

        [CommandOption("--web-port")]
        [Description("Loopback port of the web gateway that serves web endpoints at http://{workspace}--{app}-{function}.localhost:PORT (0: any free port).")]
        [DefaultValue(DefaultWebPort)]
        public int WebPort { get; init; } = DefaultWebPort;

        [CommandOption("--rate-limit")]
        [Description("Inputs per second each workspace may submit (none by default).")]
        public double? RateLimit { get; init; }

        [CommandOption("--rate-limit-burst")]
        [Description("Seconds of the rate a workspace may submit at once.")]
        [DefaultValue(5.0)]
        public double RateLimitBurst { get; init; } = 5;
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var stateDirectory = settings.StateDirectory ?? Path.Combine(
            System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".modal", "server");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await using var host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions
            {
                StateDirectory = stateDirectory,
                Port = settings.Port,
                WebPort = settings.WebPort,
                Environment = settings.Environment ?? "main",
                ServerMode = new ServerModeOptions
                {
                    HttpPort = settings.HttpPort,
                    RateLimitInputsPerSecond = settings.RateLimit,
                    RateLimitBurstSeconds = settings.RateLimitBurst,
                },
            }, stop.Token).ConfigureAwait(false);

            var profileWritten = false;
            var token = await host.BootstrapAsync(stop.Token).ConfigureAwait(false);
            if (token is not null && ModalProfile.LoadAll().Count == 0)
            {
                ModalProfile.Save(new ModalProfile
                {
                    Name = PlatformServices.DefaultWorkspace,
                    ServerUrl = host.Address.ToString().TrimEnd('/'),
                    TokenId = token.TokenId,
                    TokenSecret = token.TokenSecret,
                }, activate: true);
                profileWritten = true;
            }

            if (settings.Json)
            {
                WriteJson(new JsonObject
                {
                    ["event"] = "listening",
                    ["serverUrl"] = host.Address.ToString().TrimEnd('/'),
                    ["httpUrl"] = host.HttpAddress?.ToString().TrimEnd('/'),
                    ["webUrl"] = host.WebBaseAddress.ToString().TrimEnd('/'),
                    ["stateDir"] = Path.GetFullPath(stateDirectory),
                    ["profileWritten"] = profileWritten,
                    ["adminTokenId"] = token?.TokenId,
                });
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[green]Modal server[/] listening on {host.Address} (gRPC) and {host.HttpAddress} (HTTP), state in {Path.GetFullPath(stateDirectory)}");
                AnsiConsole.MarkupLineInterpolated($"Web endpoints are served on port {host.WebBaseAddress.Port}: http://{{workspace}}--{{app}}-{{function}}.localhost:{host.WebBaseAddress.Port}");
                if (profileWritten)
                {
                    AnsiConsole.MarkupLineInterpolated($"Created workspace '{PlatformServices.DefaultWorkspace}' and an admin token; wrote profile '{PlatformServices.DefaultWorkspace}' to {ModalProfile.ConfigPath}.");
                }
                else if (token is not null)
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"Created workspace '{PlatformServices.DefaultWorkspace}' and an admin token; {ModalProfile.ConfigPath} already has a profile, so use: modal token set --server-url {host.Address} --token-id {token.TokenId} --token-secret {token.TokenSecret}");
                }
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            AnsiConsole.MarkupLine("Stopping: containers get their grace period, spawned work resumes at the next start.");
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
