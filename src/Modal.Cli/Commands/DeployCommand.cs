using System.ComponentModel;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal deploy &lt;project|dll&gt; [--name N]</c>: uploads the build output content-addressed (only files the server
/// lacks) with its manifest, and deploys it as the next version of the named app.
/// </summary>
public sealed class DeployCommand : ModalCommand<DeployCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<target>")]
        [Description("The app's project folder, .csproj, or built .dll.")]
        public string Target { get; init; } = "";

        [CommandOption("--name")]
        [Description("Deployment name (default: the app's name in its manifest).")]
        public string? Name { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var assembly = await BuildOutput.ResolveAssemblyAsync(settings.Target, cancellationToken).ConfigureAwait(false);
        using var connection = CliConnection.Open(settings.Environment);
        var (response, name, uploaded, total) = await AppDeployer.DeployAsync(connection, assembly, settings.Name, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonObject
            {
                ["appId"] = response.AppId,
                ["name"] = name,
                ["version"] = response.Version,
                ["filesUploaded"] = uploaded,
                ["filesTotal"] = total,
                ["functions"] = new JsonObject(response.FunctionIds.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["webUrls"] = WebUrls.ToJson(response.WebUrls),
            });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[green]Deployed[/] '{name}' version {response.Version} ({response.AppId}); uploaded {uploaded} of {total} files.");
            foreach (var function in response.FunctionIds.Keys.Order(StringComparer.Ordinal))
            {
                AnsiConsole.MarkupLineInterpolated($"  - {function}");
            }

            WebUrls.Print(response.WebUrls);
        }

        return 0;
    }
}
