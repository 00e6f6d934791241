using Modal.Entrypoints;

namespace Modal.Generators.Tests;

public sealed class EntrypointCommandLineTests
{
    private enum Mode
    {
        Fast,
        VeryCareful,
    }

    [Fact]
    public void OptionsAreReadInBothSpellings()
    {
        var cli = Create("--n", "5", "--name=Ada", "--max-items", "-3", "--mode", "very-careful", "--ratio=0.25");

        Assert.Equal(5, cli.Required("n", EntrypointParsers.Int32));
        Assert.Equal("Ada", cli.Required("name", EntrypointParsers.String));
        Assert.Equal(-3L, cli.Optional("max-items", EntrypointParsers.Int64, 10L));
        Assert.Equal(Mode.VeryCareful, cli.Optional("mode", EntrypointParsers.Enum<Mode>(), Mode.Fast));
        Assert.Equal(0.25, cli.Optional("ratio", EntrypointParsers.Double, 1.0));
        Assert.False(cli.ShouldExit(out var exitCode));
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void DefaultsApplyWhenOptionsAreAbsent()
    {
        var cli = Create();

        Assert.Equal(10, cli.Optional("n", EntrypointParsers.Int32, 10));
        Assert.Null(cli.Optional("limit", EntrypointParsers.Nullable(EntrypointParsers.Int32), null));
        Assert.False(cli.Flag("verbose"));
        Assert.False(cli.ShouldExit(out _));
    }

    [Fact]
    public void FlagsTakeNoValueOrAnExplicitOne()
    {
        var cli = Create("--verbose", "--dry-run=false", "--no-color");

        Assert.True(cli.Flag("verbose"));
        Assert.False(cli.Flag("dry-run", defaultValue: true));
        Assert.False(cli.Flag("color", defaultValue: true));
        Assert.False(cli.ShouldExit(out _));
    }

    [Fact]
    public void CamelCaseNamesMatchTheirKebabOptions()
    {
        var cli = Create("--maxItems", "4");

        Assert.Equal(4, cli.Required("max-items", EntrypointParsers.Int32));
        Assert.False(cli.ShouldExit(out _));
    }

    [Fact]
    public void AnIllTypedOptionIsAUsageErrorNamingIt()
    {
        var error = new StringWriter();
        var cli = new EntrypointCommandLine("Main", ["--n", "abc"], TextWriter.Null, error);

        cli.Required("n", EntrypointParsers.Int32);

        Assert.True(cli.ShouldExit(out var exitCode));
        Assert.Equal(2, exitCode);
        Assert.Contains("error: option --n expects an integer, got 'abc'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingUnknownAndStrayArgumentsAreAllReported()
    {
        var error = new StringWriter();
        var cli = new EntrypointCommandLine("Main", ["--bogus", "1", "stray", "--mode", "slow"], TextWriter.Null, error);

        cli.Required("name", EntrypointParsers.String);
        cli.Optional("mode", EntrypointParsers.Enum<Mode>(), Mode.Fast);

        Assert.True(cli.ShouldExit(out var exitCode));
        Assert.Equal(EntrypointCommandLine.UsageExitCode, exitCode);
        var text = error.ToString();
        Assert.Contains("error: missing required option --name (a string)", text, StringComparison.Ordinal);
        Assert.Contains("error: option --mode expects one of fast, very-careful, got 'slow'", text, StringComparison.Ordinal);
        Assert.Contains("error: unknown option --bogus", text, StringComparison.Ordinal);
        Assert.Contains("error: unexpected argument 'stray'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOptionWithoutItsValueIsAnError()
    {
        var cli = Create("--n");

        cli.Required("n", EntrypointParsers.Int32);

        Assert.True(cli.ShouldExit(out _));
        Assert.Equal(["option --n needs a value"], cli.Errors);
    }

    [Fact]
    public void HelpListsEveryOptionAndExitsCleanly()
    {
        var output = new StringWriter();
        var cli = new EntrypointCommandLine("Main", ["--help"], output, TextWriter.Null);

        cli.Optional("n", EntrypointParsers.Int32, 10);
        cli.Required("name", EntrypointParsers.String);
        cli.Flag("verbose");

        Assert.True(cli.ShouldExit(out var exitCode));
        Assert.Equal(0, exitCode);
        var help = output.ToString();
        Assert.Contains("Usage: Main [options]", help, StringComparison.Ordinal);
        Assert.Contains("--n <int>", help, StringComparison.Ordinal);
        Assert.Contains("default: 10", help, StringComparison.Ordinal);
        Assert.Contains("--name <string>", help, StringComparison.Ordinal);
        Assert.Contains("required", help, StringComparison.Ordinal);
        Assert.Contains("--verbose", help, StringComparison.Ordinal);
    }

    private static EntrypointCommandLine Create(params string[] args) => new("Main", args, TextWriter.Null, TextWriter.Null);
}
