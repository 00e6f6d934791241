using System.ComponentModel;
using Spectre.Console.Cli;

namespace Modal.Cli;

/// <summary>Options every command takes.</summary>
public class CliSettings : CommandSettings
{
    [CommandOption("--json")]
    [Description("Print machine-readable JSON instead of tables and messages.")]
    public bool Json { get; init; }

    [CommandOption("-e|--env")]
    [Description("The environment (MODAL_ENVIRONMENT, else the profile's, else main).")]
    public string? Environment { get; init; }
}
