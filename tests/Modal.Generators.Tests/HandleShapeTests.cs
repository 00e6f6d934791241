using Modal.Generators.Tests.Verifiers;

namespace Modal.Generators.Tests;

/// <summary>
/// Shapes the baselines do not cover: handles forward their map verbs to the base class's Zip/Star helpers up to their
/// arity and write their own iterators past it; invokers forward every result shape to the base class's Serialize helpers.
/// </summary>
public sealed class HandleShapeTests
{
    private const string Shapes = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Modal;

        namespace Samples;

        [App("shapes")]
        public static partial class Shapes
        {
            [Function] public static int Four(int a, string b, double c, long d) => a;
            [Function] public static int Five(int a, string b, double c, long d, bool e = true) => a;
            [Function] public static Task Forget(string message, CancellationToken cancellationToken) => Task.CompletedTask;
            [Function] public static ValueTask<long> Measure(long size) => new(size);
            [Function] public static ValueTask Flush() => default;
            [Function, Batched(MaxBatchSize = 4, WaitMs = 10)] public static int[] Double(int[] xs) => xs;
            [Function, Batched(MaxBatchSize = 4, WaitMs = 10)] public static ValueTask<List<string>> Upper(List<string> xs) => new(xs);
            [Function] public static IEnumerable<int> Digits(int n) { yield return n; }
        }
        """;

    [Fact]
    public void EveryShapeCompilesCleanly()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Shapes));

        Assert.Empty(GeneratorHarness.Problems(result, output));
    }

    [Fact]
    public void OnlyHandlesPastTheHelpersArityWriteTheirOwnIterators()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Shapes));
        var functions = result.GeneratedSources.Single(s => s.HintName == "Shapes.Functions.g.cs").SourceText.ToString();
        var four = functions[functions.IndexOf("class FourHandle", StringComparison.Ordinal)..functions.IndexOf("class FiveHandle", StringComparison.Ordinal)];
        var five = functions[functions.IndexOf("class FiveHandle", StringComparison.Ordinal)..];

        Assert.Contains("Zip(a, b, c, d, NewArgs)", four, StringComparison.Ordinal);
        Assert.Contains("Star(inputs, NewArgs)", four, StringComparison.Ordinal);
        Assert.DoesNotContain("yield return", four, StringComparison.Ordinal);
        Assert.Contains("ZipInputs(a, b, c, d, e)", five, StringComparison.Ordinal);
        Assert.Contains("StarInputs(inputs)", five, StringComparison.Ordinal);
    }

    [Fact]
    public void NoInvokerIsAnAsyncMethod()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Shapes));
        var registry = result.GeneratedSources.Single(s => s.HintName == "Shapes.ModalRegistry.g.cs").SourceText.ToString();

        Assert.DoesNotContain(" async ", registry, StringComparison.Ordinal);
        Assert.Contains("SerializeBatch<int>(", registry, StringComparison.Ordinal);
        Assert.Contains("SerializeBatchAsync<global::System.Collections.Generic.List<string>, string>(", registry, StringComparison.Ordinal);
        Assert.Contains("SerializeStreamAsync(", registry, StringComparison.Ordinal);
    }
}
