using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Modal.Generators.Tests.Verifiers;

namespace Modal.Generators.Tests;

/// <summary>Runs the program entry generated for a [LocalEntrypoint] up to the point where it would start the app.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GeneratedEntrypointTests
{
    private static readonly Lazy<MethodInfo> Main = new(CompileMain);

    [Fact]
    public async Task AnIllTypedOptionExitsWithCode2AndNamesTheOption()
    {
        var (exitCode, _, error) = await RunAsync("--n", "abc");

        Assert.Equal(2, exitCode);
        Assert.Contains("error: option --n expects an integer, got 'abc'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpListsTheEntrypointsParameters()
    {
        var (exitCode, output, _) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--n <int>", output, StringComparison.Ordinal);
        Assert.Contains("default: 10", output, StringComparison.Ordinal);
        Assert.Contains("--mode <Mode>", output, StringComparison.Ordinal);
        Assert.Contains("--name <string>", output, StringComparison.Ordinal);
        Assert.Contains("--verbose", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exitCode = await (Task<int>)Main.Value.Invoke(null, [args])!;
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    private static MethodInfo CompileMain()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Samples.Hello));
        Assert.Empty(GeneratorHarness.Problems(result, output));
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var assembly = new AssemblyLoadContext("generated-entrypoint", isCollectible: true).LoadFromStream(stream);
        return assembly.GetType("Samples.Hello+ModalProgram", throwOnError: true)!.GetMethod("Main")!;
    }
}
