using Modal.Generators.Tests.Verifiers;

namespace Modal.Generators.Tests;

/// <summary>
/// Shapes the baselines do not cover: handles up to the runtime's arity inherit their map verbs from its FunctionHandle
/// bases and write their own iterators past it; invokers hand common shapes' method groups to the runtime's factories and
/// forward every other shape to its Serialize helpers, never as async methods of their own.
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
    public void OnlyHandlesPastTheRuntimesArityWriteTheirOwnMapVerbs()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Shapes));
        var functions = result.GeneratedSources.Single(s => s.HintName == "Shapes.Functions.g.cs").SourceText.ToString();
        var four = functions[functions.IndexOf("class FourHandle", StringComparison.Ordinal)..functions.IndexOf("class FiveHandle", StringComparison.Ordinal)];
        var five = functions[functions.IndexOf("class FiveHandle", StringComparison.Ordinal)..functions.IndexOf("class ForgetHandle", StringComparison.Ordinal)];
        var args = result.GeneratedSources.Single(s => s.HintName == "Shapes.ModalArgs.g.cs").SourceText.ToString();

        Assert.Contains(": global::Modal.FunctionHandle<int, string, double, long, int>", four, StringComparison.Ordinal);
        Assert.Contains("RemoteCoreAsync(a, b, c, d, cancellationToken)", four, StringComparison.Ordinal);
        Assert.DoesNotContain("MapAsync", four, StringComparison.Ordinal);
        Assert.Contains(": global::Modal.FunctionHandleBase<global::Samples.Shapes.ModalArgs.FiveArgs, int>", five, StringComparison.Ordinal);
        Assert.Contains("ZipInputs(a, b, c, d, e)", five, StringComparison.Ordinal);
        Assert.Contains("StarInputs(inputs)", five, StringComparison.Ordinal);
        Assert.Contains("class FiveArgs", args, StringComparison.Ordinal);
        Assert.DoesNotContain("class FourArgs", args, StringComparison.Ordinal);
    }

    [Fact]
    public void InvokersAreTableEntriesNotAsyncMethods()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Shapes));
        var registry = result.GeneratedSources.Single(s => s.HintName == "Shapes.ModalRegistry.g.cs").SourceText.ToString();

        Assert.DoesNotContain(" async ", registry, StringComparison.Ordinal);
        Assert.DoesNotContain("Invoker : ", registry, StringComparison.Ordinal);
        Assert.Contains("FunctionInvokers.Sync<int, string, double, long, int>(\"Samples.Shapes.Four\", global::Samples.Shapes.Four)", registry, StringComparison.Ordinal);
        Assert.Contains("FunctionInvokers.TaskVoid<string>(\"Samples.Shapes.Forget\", global::Samples.Shapes.Forget)", registry, StringComparison.Ordinal);
        Assert.Contains("FunctionInvokers.ValueTaskResult<long, long>(", registry, StringComparison.Ordinal);
        Assert.Contains("FunctionInvokers.ValueTaskVoid(", registry, StringComparison.Ordinal);
        Assert.Contains("FunctionInvokers.Generator<int, int>(", registry, StringComparison.Ordinal);
        Assert.Contains("new global::Modal.Dispatch.UnaryInvoker<global::Samples.Shapes.ModalArgs.FiveArgs>(", registry, StringComparison.Ordinal);
        Assert.Contains("SerializeBatch<int>(global::Samples.Shapes.Double(global::Modal.Dispatch.ModalBatch.Array1(b))", registry, StringComparison.Ordinal);
        Assert.Contains("SerializeBatchAsync<global::System.Collections.Generic.List<string>, string>(global::Samples.Shapes.Upper(global::Modal.Dispatch.ModalBatch.List1(b))", registry, StringComparison.Ordinal);
    }

    private const string Twins = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Modal;

        namespace Samples;

        public enum Mode { Fast, Slow }

        [App("twins")]
        public static partial class Twins
        {
            [Function] public static int SquareA(int x) => x * x;
            [Function] public static int SquareB(int x) => x + x;
            [Function] public static int Other(int y) => y;
            [Function] public static double SumA(double[] values, Mode mode = Mode.Slow) => values.Length;
            [Function] public static double SumB(double[] values, Mode mode = Mode.Slow) => 0;
            [Function] public static Task<string> FetchA(string url, CancellationToken cancellationToken) => Task.FromResult(url);
            [Function] public static Task<string> FetchB(string url, CancellationToken cancellationToken) => Task.FromResult("");
            [Function] public static void TickA() { }
            [Function] public static void TickB() { }
            [Function, Batched(MaxBatchSize = 4, WaitMs = 10)] public static Task<List<int>> AddA(List<int> xs, List<int> ys) => Task.FromResult(xs);
            [Function, Batched(MaxBatchSize = 4, WaitMs = 10)] public static Task<List<int>> AddB(List<int> xs, List<int> ys) => Task.FromResult(ys);
            [Function] public static async IAsyncEnumerable<int> CountA(int n) { await Task.Yield(); yield return n; }
            [Function] public static async IAsyncEnumerable<int> CountB(int n) { await Task.Yield(); yield return n; }
            [Function] public static IEnumerable<int> DigitsA(int n) { yield return n; }
            [Function] public static IEnumerable<int> DigitsB(int n) { yield return n; }
            [Function] internal static int Hidden(int x) => x;
            [Function] public static int ShadowA(int _local) => _local;
            [Function] public static int ShadowB(int _local) => -_local;
        }
        """;

    [Fact]
    public void FunctionsOfOneShapeShareAHandleClassThatAlsoBuildsTheirInvokers()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Twins));
        Assert.Empty(GeneratorHarness.Problems(result, output));
        var functions = result.GeneratedSources.Single(s => s.HintName == "Twins.Functions.g.cs").SourceText.ToString();
        var registry = result.GeneratedSources.Single(s => s.HintName == "Twins.ModalRegistry.g.cs").SourceText.ToString();

        // Same parameter names and types: one class (the method's own accessibility does not matter). Another parameter
        // name is another shape.
        Assert.Contains("public static readonly SquareAHandle SquareB = new SquareAHandle(\"twins\", \"SquareB\", global::Samples.Twins.SquareB);", functions, StringComparison.Ordinal);
        Assert.Contains("public static readonly OtherHandle Other = new OtherHandle();", functions, StringComparison.Ordinal);
        Assert.Contains("public static readonly SquareAHandle Hidden = new SquareAHandle(\"twins\", \"Hidden\", global::Samples.Twins.Hidden);", functions, StringComparison.Ordinal);
        foreach (var twin in new[] { "Square", "Sum", "Fetch", "Tick", "Add", "Count", "Digits", "Shadow" })
        {
            Assert.Contains($"class {twin}AHandle", functions, StringComparison.Ordinal);
            Assert.DoesNotContain($"class {twin}BHandle", functions, StringComparison.Ordinal);
            Assert.Contains($"global::Samples.Twins.Functions.{twin}B.CreateInvoker(\"Samples.Twins.{twin}B\")", registry, StringComparison.Ordinal);
        }

        // Each keeps its own direct-dispatch path where no other function shares its shape.
        Assert.Contains("FunctionInvokers.Sync<int, int>(\"Samples.Twins.Other\", global::Samples.Twins.Other)", registry, StringComparison.Ordinal);
        Assert.Contains("double Local(double[] values, global::Samples.Mode mode = (global::Samples.Mode)(1)) =>", functions, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGeneratorAndTheRuntimeAgreeOnTheArityOfModalArgs()
    {
        Assert.Equal(Modal.Dispatch.FunctionInvokers.MaxArity, ModalGenerator.Parser.MaxArity);
    }

    [Fact]
    public void ModalArgsAreAnArrayOfTheArgumentsThatToleratesOlderAndNewerCallers()
    {
        var options = MessagePack.MessagePackSerializerOptions.Standard.WithResolver(MessagePack.Resolvers.CompositeResolver.Create(
            [new Modal.Dispatch.ModalArgsFormatter(), new Modal.Dispatch.ModalArgsFormatter<int>(), new Modal.Dispatch.ModalArgsFormatter<int, string>(), new Modal.Dispatch.ModalArgsFormatter<int, string, double>()],
            [MessagePack.Resolvers.StandardResolver.Instance]));
        var bytes = MessagePack.MessagePackSerializer.Serialize(new Modal.Dispatch.ModalArgs<int, string>(7, "x"), options);
        Assert.Equal(MessagePack.MessagePackSerializer.Serialize((7, "x"), options), bytes);

        // A newer caller sends one more argument, an older one fewer: the extra is skipped, the missing one is default.
        var newer = MessagePack.MessagePackSerializer.Deserialize<Modal.Dispatch.ModalArgs<int>>(bytes, options);
        Assert.Equal(7, newer.Item1);
        var older = MessagePack.MessagePackSerializer.Deserialize<Modal.Dispatch.ModalArgs<int, string, double>>(bytes, options);
        Assert.Equal((7, "x", 0.0), (older.Item1, older.Item2, older.Item3));
        Assert.NotNull(MessagePack.MessagePackSerializer.Deserialize<Modal.Dispatch.ModalArgs>(bytes, options));
    }
}
