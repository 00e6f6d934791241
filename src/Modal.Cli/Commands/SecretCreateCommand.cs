using System.ComponentModel;
using System.Text.Json.Nodes;
using Modal.Protocol;
using Modal.Secrets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary><c>modal secret create NAME K=V... [--from-dotenv F] [--force]</c>. Values are never echoed.</summary>
public sealed class SecretCreateCommand : ModalCommand<SecretCreateCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<name>")]
        public string Name { get; init; } = "";

        [CommandArgument(1, "[values]")]
        [Description("KEY=VALUE pairs; later ones win.")]
        public string[] Values { get; init; } = [];

        [CommandOption("--from-dotenv")]
        [Description("Read KEY=VALUE lines from a .env file first.")]
        public string? FromDotenv { get; init; }

        [CommandOption("--force")]
        [Description("Replace a secret of the same name.")]
        public bool Force { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var request = new SecretCreateRequest { Name = settings.Name, Overwrite = settings.Force };
        if (settings.FromDotenv is { } dotenv)
        {
            if (!File.Exists(dotenv))
            {
                throw new InvalidError($"The dotenv file {Path.GetFullPath(dotenv)} does not exist.");
            }

            foreach (var (key, value) in DotenvParser.Parse(await File.ReadAllTextAsync(dotenv, cancellationToken).ConfigureAwait(false)))
            {
                request.Values[key] = value;
            }
        }

        foreach (var pair in settings.Values)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // The argument may be a secret value: name only its position, never its text.
                throw new InvalidError($"Argument {Array.IndexOf(settings.Values, pair) + 2} is not KEY=VALUE.");
            }

            request.Values[pair[..equals]] = pair[(equals + 1)..];
        }

        using var connection = CliConnection.Open(settings.Environment);
        request.Environment = connection.Environment;
        await connection.Platform.SecretCreateAsync(request, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonObject { ["name"] = settings.Name, ["keys"] = new JsonArray([.. request.Values.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)k)]) });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Created secret '{settings.Name}' with keys: {string.Join(", ", request.Values.Keys.Order(StringComparer.Ordinal))}");
        }

        return 0;
    }
}
