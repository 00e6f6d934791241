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
