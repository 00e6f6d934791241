using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary><c>modal serve</c>: not offered yet, and says so.</summary>
public sealed class ServeCommand : ModalCommand<ServeCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<target>")]
        public string Target { get; init; } = "";
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken) =>
        throw new InvalidError(
            "`modal serve` (redeploy on file changes) is not implemented yet. Use `modal deploy " + settings.Target + "` after each change, " +
            "or `modal run` for an ephemeral app.");
}
