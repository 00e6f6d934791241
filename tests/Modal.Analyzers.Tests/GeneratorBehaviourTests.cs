extern alias analyzers;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Modal.Analyzers.Tests.Verifiers;
using analyzers::Modal.Generators;

namespace Modal.Analyzers.Tests;

/// <summary>
/// What the generator does with a function that breaks a configuration rule: it emits no handle for it, does not throw,
/// and leaves the analyzers' diagnostic as the only error; the rest of the app still builds.
/// </summary>
public sealed class GeneratorBehaviourTests
{
    private const string App = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Modal;

        namespace Samples;

        [App("rules")]
        public static partial class RulesApp
        {
            [Function(Gpu = "A100-80G")] public static int BadGpu(int x) => x;
            [Function(Timeout = 0, MinContainers = 3, MaxContainers = 1)] public static int BadTimeout(int x) => x;
            [Function, Cron("61 * * * *")] public static void BadCron() { }
            [Function, Batched(MaxBatchSize = 4), Concurrent(MaxInputs = 2)] public static List<int> BadBatch(List<int> xs) => xs;
            [Function, Volume("/tmp", "scratch")] public static int BadVolume(int x) => x;

            [Function(Gpu = "A100-80GB", Timeout = 60)] public static int Good(int x) => x;

            // Only the valid function is called: code that calls an invalid one fails for that reason alone.
            [LocalEntrypoint] public static Task<int> CallGood() => Functions.Good.RemoteAsync(1);
        }
        """;

    private const string Unrelated = """
        namespace Samples;
        public static class Unrelated { public static int Answer => 42; }
        """;

    [Fact]
    public async Task AnInvalidFunctionGetsNoStubAndTheOnlyErrorsAreTheRules()
    {
        var (run, problems) = await GeneratorRunner.BuildAsync(GeneratorRunner.Compile(App));

        Assert.Null(run.Exception);
        Assert.Empty(run.Diagnostics);
        Assert.Equal(
            ["MODAL050", "MODAL054", "MODAL055", "MODAL059", "MODAL062", "MODAL064"],
            problems.Select(p => p.Id).Order(StringComparer.Ordinal));

        var handles = run.GeneratedSources.Single(s => s.HintName == "RulesApp.Functions.g.cs").SourceText.ToString();
        Assert.Contains("GoodHandle", handles, StringComparison.Ordinal);
        foreach (var bad in new[] { "BadGpu", "BadTimeout", "BadCron", "BadBatch", "BadVolume" })
        {
            Assert.DoesNotContain(bad, handles, StringComparison.Ordinal);
            Assert.DoesNotContain(bad, run.GeneratedSources.Single(s => s.HintName == "RulesApp.ModalRegistry.g.cs").SourceText.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnInvalidAppClassGetsNothingGeneratedAndOneError()
    {
        var (run, problems) = await GeneratorRunner.BuildAsync(GeneratorRunner.Compile("""
            using Modal;
            [App("a")] public static class NotPartial { [Function] public static int F(int x) => x; }
            """));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("MODAL002", Assert.Single(problems).Id);
    }

    [Fact]
    public void FixingTheSettingBringsTheHandleBack()
    {
        var compilation = GeneratorRunner.Compile(App);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var fixedTree = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(App.Replace("\"A100-80G\"", "\"A100-80GB\"", StringComparison.Ordinal)));

        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, fixedTree)).GetRunResult().Results.Single();

        Assert.Contains("BadGpuHandle", result.GeneratedSources.Single(s => s.HintName == "RulesApp.Functions.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnrelatedEditLeavesEveryNamedStepCachedEvenWithInvalidFunctions()
    {
        var compilation = GeneratorRunner.Compile(App);
        var driver = GeneratorRunner.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Unrelated, GeneratorRunner.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in new[] { StepNames.Apps, StepNames.Functions, StepNames.Entrypoints, StepNames.AssemblyName, StepNames.Generation })
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} did not run");
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{step} re-ran with reason {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o =>
            Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output re-ran with reason {o.Reason}"));
    }
}
