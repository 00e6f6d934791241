using System.ComponentModel;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary><c>modal app logs NAME [-f]</c>: not offered by this server yet, and says so.</summary>
public sealed class AppLogsCommand : ModalCommand<AppLogsCommand.Settings>
{
    public sealed class Settings : AppNameSettings
    {
        [CommandOption("-f|--follow")]
        [Description("Keep streaming new lines.")]
        public bool Follow { get; init; }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken) =>
        throw new InvalidError(
            "`modal app logs` is not implemented yet: the server does not keep container output of deployed apps. " +
            "Container output goes to the `modal server` process's console, tagged with the task id.");
}
