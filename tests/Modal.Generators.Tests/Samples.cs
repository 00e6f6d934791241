namespace Modal.Generators.Tests;

/// <summary>Sources the driver tests compile.</summary>
internal static class Samples
{
    /// <summary>The app of DESIGN.md's example, trimmed to what the baselines should show.</summary>
    public const string Hello = """
        using System.Threading;
        using System.Threading.Tasks;
        using Modal;

        namespace Samples;

        public sealed record Point(int X, int Y);

        public enum Mode { Fast, Careful }

        [App("hello", Image = nameof(Base))]
        public static partial class Hello
        {
            static readonly Image Base = Image.DebianSlim().AptInstall("curl").Env("MODE", "prod");

            [Function(Gpu = "H100:8", Timeout = 600, Retries = 3, MinContainers = 0, MaxContainers = 10)]
            public static int Square(int x) => x * x;

            [Function, Concurrent(MaxInputs = 100, TargetInputs = 80)]
            public static async Task<string> Fetch(string url, CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                return url;
            }

            [Function]
            public static double Distance(Point a, Point? b = null) => b is null ? 0 : System.Math.Abs(a.X - b.X) + System.Math.Abs(a.Y - b.Y);

            [Function]
            public static void Log(string message)
            {
            }

            [LocalEntrypoint]
            public static async Task Run(int n = 10, Mode mode = Mode.Fast, string? name = null, bool verbose = false)
            {
                await Functions.Square.RemoteAsync(n);
                await foreach (var y in Functions.Square.MapAsync(System.Linq.Enumerable.Range(0, n))) { }
                await foreach (var r in Functions.Square.MapAsync(new[] { 1, 2 }, returnExceptions: true)) { }
                var call = await Functions.Square.SpawnAsync(7);
                await Functions.Distance.StarmapAsync(new[] { (new Point(1, 2), (Point?)null) }).GetAsyncEnumerator().DisposeAsync();
                _ = (mode, name, verbose, call);
            }
        }
        """;

    /// <summary>Streaming, dynamic batching and a [Cls] class: the worker-semantics shapes the baselines should show.</summary>
    public const string Models = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Modal;

        namespace Samples;

        [App("models")]
        public static partial class Models
        {
            [Function]
            public static async IAsyncEnumerable<string> Tokens(string prompt, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
            {
                foreach (var word in prompt.Split(' '))
                {
                    await Task.Delay(1, cancellationToken);
                    yield return word;
                }
            }

            [Function]
            public static IEnumerable<int> Range(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    yield return i;
                }
            }

            [Function, Batched(MaxBatchSize = 8, WaitMs = 100)]
            public static Task<List<int>> Add(List<int> xs, int[] ys) => Task.FromResult(xs);
        }

        [Cls(Gpu = "T4")]
        [Concurrent(MaxInputs = 4)]
        public class Embedder
        {
            [Parameter] public string Model { get; set; } = "small";
            [Parameter] public required int Dimensions { get; set; }

            [Enter] public Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            [Exit] public void Unload() { }

            [Method] public float[] Embed(string text) => new float[Dimensions];
            [Method] public async Task<int> CountAsync(List<string> texts) { await Task.Yield(); return texts.Count; }
        }
        """;

    public const string Unrelated = """
        namespace Samples;

        public static class Unrelated
        {
            public static int Answer => 42;
        }
        """;
}
