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

    public const string Unrelated = """
        namespace Samples;

        public static class Unrelated
        {
            public static int Answer => 42;
        }
        """;
}
