using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>Settings of the app commands that take an app name.</summary>
public class AppNameSettings : CliSettings
{
    [CommandArgument(0, "<app>")]
    public string Name { get; init; } = "";
}
