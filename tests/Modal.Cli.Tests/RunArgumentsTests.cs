using MessagePack;
using Modal.Cli.Run;
using Modal.Manifest;

namespace Modal.Cli.Tests;

/// <summary>A function with defaults, compiled into this assembly so its metadata can be read as an app's would be.</summary>
public static class DefaultsSample
{
    public static string Describe(int count, string label = "items", double ratio = 0.5, bool loud = true, int? limit = null, CancellationToken cancellationToken = default) =>
        $"{count} {label} {ratio} {loud} {limit} {cancellationToken.CanBeCanceled}";
}

public class RunArgumentsTests
{
    private static readonly FunctionManifest Describe = new()
    {
        Name = "Describe",
        EntryKey = "Modal.Cli.Tests.DefaultsSample.Describe",
        ReturnType = "string",
        Parameters =
        [
            new ParameterManifest { Name = "count", Type = "int", HasDefault = false },
            new ParameterManifest { Name = "label", Type = "string", HasDefault = true },
            new ParameterManifest { Name = "ratio", Type = "double", HasDefault = true },
            new ParameterManifest { Name = "loud", Type = "bool", HasDefault = true },
            new ParameterManifest { Name = "limit", Type = "int?", HasDefault = true },
        ],
    };

    [Fact]
    public void Defaults_come_from_the_assembly_metadata()
    {
        var defaults = ParameterDefaults.Read(typeof(DefaultsSample).Assembly.Location, Describe.EntryKey, "Describe", Describe.Parameters.Select(p => p.Name).ToList());
        Assert.Equal("items", defaults["label"]);
        Assert.Equal(0.5, defaults["ratio"]);
        Assert.Equal(true, defaults["loud"]);
        Assert.Null(defaults["limit"]);
        Assert.False(defaults.ContainsKey("count"));
    }

    [Fact]
    public void Options_become_the_argument_record_with_defaults_for_what_is_left_out()
    {
        var defaults = ParameterDefaults.Read(typeof(DefaultsSample).Assembly.Location, Describe.EntryKey, "Describe", Describe.Parameters.Select(p => p.Name).ToList());
        var bytes = FunctionArguments.Read(Describe, defaults, ["--count", "3", "--no-loud", "--limit=7"], TextWriter.Null, TextWriter.Null, out _)!;
        var reader = new MessagePackReader(bytes);
        Assert.Equal(5, reader.ReadArrayHeader());
        Assert.Equal(3, reader.ReadInt32());
        Assert.Equal("items", reader.ReadString());
        Assert.Equal(0.5, reader.ReadDouble());
        Assert.False(reader.ReadBoolean());
        Assert.Equal(7, reader.ReadInt32());
    }

    [Fact]
    public void Wrong_or_missing_options_are_reported_and_nothing_is_sent()
    {
        var errors = new StringWriter();
        Assert.Null(FunctionArguments.Read(Describe, new Dictionary<string, object?>(), ["--ratio", "lots", "--extra", "1"], TextWriter.Null, errors, out var exitCode));
        Assert.Equal(2, exitCode);
        Assert.Contains("missing required option --count", errors.ToString());
        Assert.Contains("option --ratio expects a number, got 'lots'", errors.ToString());
        Assert.Contains("unknown option --extra", errors.ToString());
    }

    [Fact]
    public void Targets_pick_functions_and_entrypoints_by_name()
    {
        var manifest = new AppManifest
        {
            SchemaVersion = 1,
            App = "hello",
            Assembly = "Hello",
            Functions = [Describe, Describe with { Name = "Other", EntryKey = "Modal.Cli.Tests.DefaultsSample.Other" }],
            Entrypoints = [new EntrypointManifest { Name = "Main" }],
        };
        Assert.Equal(("app.dll", "hello.Describe"), RunTarget.Split("app.dll::hello.Describe"));
        Assert.Equal("Describe", RunTarget.Resolve(manifest, "hello.Describe").Function!.Name);
        Assert.Equal("Other", RunTarget.Resolve(manifest, "DefaultsSample.Other").Function!.Name);
        Assert.Equal("Main", RunTarget.Resolve(manifest, "Main").Entrypoint!.Name);
        Assert.Equal("Main", RunTarget.Resolve(manifest, null).Entrypoint!.Name);
        Assert.Throws<NotFoundError>(() => RunTarget.Resolve(manifest, "Missing"));
        Assert.Equal("Describe", RunTarget.Resolve(manifest with { Entrypoints = [], Functions = [Describe] }, null).Function!.Name);
        Assert.Throws<InvalidError>(() => RunTarget.Resolve(manifest with { Entrypoints = [] }, null));
    }
}
