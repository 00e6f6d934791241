using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Modal.Generators.Tests.Verifiers;

namespace Modal.Generators.Tests;

public sealed class IncrementalCachingTests
{
    private static readonly string[] ModelSteps = [StepNames.Apps, StepNames.Functions, StepNames.Entrypoints, StepNames.Generation];

    [Fact]
    public void AnUnrelatedEditReusesEveryModel()
    {
        var compilation = GeneratorHarness.CreateCompilation(Samples.Hello);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Samples.Unrelated, GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in ModelSteps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{step} re-ran with reason {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o =>
            Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output re-ran with reason {o.Reason}"));
    }

    [Fact]
    public void EditingAFunctionReRunsGeneration()
    {
        var compilation = GeneratorHarness.CreateCompilation(Samples.Hello);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Samples.Hello.Replace("Timeout = 600", "Timeout = 700", StringComparison.Ordinal))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[StepNames.Generation].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("\\\"timeoutSeconds\\\": 700", result.GeneratedSources.Single(s => s.HintName == "Hello.ModalRegistry.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }
}
