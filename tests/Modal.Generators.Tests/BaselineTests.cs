using Microsoft.CodeAnalysis.Diagnostics;
using Modal.Generators.Tests.Verifiers;

namespace Modal.Generators.Tests;

public sealed class BaselineTests
{
    [Fact]
    public void HelloAppMatchesBaselinesAndCompilesCleanly()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Samples.Hello));

        Assert.Empty(GeneratorHarness.Problems(result, output));
        Assert.Equal(
            ["Hello.Functions.g.cs", "Hello.ModalFormatterResolver.g.cs", "Hello.ModalProgram.g.cs", "Hello.ModalRegistry.g.cs"],
            result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        foreach (var source in result.GeneratedSources)
        {
            Baseline.Verify(source.HintName + ".txt", source.SourceText.ToString());
        }
    }

    [Fact]
    public void GeneratorsBatchedFunctionsAndClassesMatchBaselinesAndCompileCleanly()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Samples.Models));

        Assert.Empty(GeneratorHarness.Problems(result, output));
        Assert.Contains("Models.Classes.g.cs", result.GeneratedSources.Select(s => s.HintName));
        foreach (var source in result.GeneratedSources)
        {
            Baseline.Verify(source.HintName + ".txt", source.SourceText.ToString());
        }
    }

    [Fact]
    public void AnAssemblyWithoutAnAppGetsNothing()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Samples.Unrelated));

        Assert.Empty(result.GeneratedSources);
        Assert.Empty(GeneratorHarness.Problems(result, output));
    }

    [Theory]
    [InlineData("Run")]
    [InlineData("Main")]
    public async Task AConsoleAppWithALocalEntrypointGetsItsProgramEntry(string entrypointName)
    {
        // DESIGN.md names its entrypoint Main; the generated entry must still be the only candidate.
        var source = Samples.Hello.Replace("public static async Task Run(", $"public static async Task {entrypointName}(", StringComparison.Ordinal);
        var compilation = GeneratorHarness.CreateCompilation(source)
            .WithOptions(GeneratorHarness.Options(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication));

        var (result, output) = GeneratorHarness.Run(compilation);

        // As in a real build, the suppressor that ships with the generator runs over the result.
        var diagnostics = await output.WithAnalyzers([new LocalEntrypointSuppressor()]).GetAllDiagnosticsAsync();
        Assert.Empty(result.Diagnostics);
        Assert.Empty(diagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && !d.IsSuppressed));
        Assert.Equal("ModalProgram", output.GetEntryPoint(CancellationToken.None)?.ContainingType.Name);
    }
}
