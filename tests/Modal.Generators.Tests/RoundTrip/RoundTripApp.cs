using System.Runtime.CompilerServices;

namespace Modal.Generators.Tests.RoundTrip;

/// <summary>
/// An app compiled by the real generator (this project references it as an analyzer). Its functions reach every shape
/// the generated formatters support, so the execution tests can call the generated invokers and formatters directly.
/// </summary>
[App("roundtrip", Image = nameof(BaseImage), Secrets = ["app-secret"])]
public static partial class RoundTripApp
{
    static readonly Image BaseImage = Image.DebianSlim().AptInstall("curl", "git").Env("MODE", "test");

    static readonly Image GpuImage = BaseImage.RunCommands("echo hi").ForceBuild();

    [Function(Timeout = 60, Retries = 2, Gpu = "T4", Cpu = 0.5, Memory = 256, Secrets = ["fn-secret"])]
    public static int Square(int x) => x * x;

    [Function(Image = nameof(GpuImage), MinContainers = 1, MaxContainers = 4, ScaledownWindow = 30)]
    [Retries(3, BackoffCoefficient = 1.5)]
    [Concurrent(MaxInputs = 10, TargetInputs = 8)]
    public static string Concat(string a, string b, string separator = "-") => a + separator + b;

    [Function]
    [Volume("/data", "my-volume")]
    public static byte[] Bytes(byte[] data) => data.Reverse().ToArray();

    [Function]
    public static Color Paint(Color color, Color? fallback) => fallback ?? color;

    [Function]
    public static int? MaybeDouble(int? x) => x * 2;

    [Function]
    public static (int Count, string Label) Describe((int, string) pair, (int A, long B, string C)? extra) =>
        (pair.Item1 + (extra?.A ?? 0), pair.Item2 + extra?.C);

    [Function]
    public static int[] Reverse(int[] xs, int[,] grid) => xs.Reverse().Append(grid.Length).ToArray();

    [Function]
    public static List<string> Upper(List<string> xs, IList<string?> more, IReadOnlyList<double> weights) =>
        xs.Concat(more.Select(m => m ?? "null")).Select(s => s.ToUpperInvariant()).Append(weights.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Function]
    public static Dictionary<string, int> Counts(Dictionary<string, int> counts, IDictionary<int, string> names, IReadOnlyDictionary<string, List<Point>> shapes) =>
        counts.Concat(names.Select(n => new KeyValuePair<string, int>(n.Value, n.Key))).Concat(shapes.Select(s => new KeyValuePair<string, int>(s.Key, s.Value.Count))).ToDictionary(k => k.Key, k => k.Value);

    [Function]
    public static Customer Echo(Customer customer) => customer;

    [Function]
    public static Settings Configure(Settings settings) => settings;

    [Function]
    public static Node Chain(Node node) => node;

    [Function]
    public static async Task<Order> ProcessAsync(Order order, CancellationToken cancellationToken)
    {
        await Task.Delay(1, cancellationToken);
        return order with { Total = order.Lines.Sum(l => l.Price * l.Quantity) };
    }

    [Function]
    public static ValueTask<Stamp> StampAsync(Stamp stamp) => ValueTask.FromResult(stamp);

    public static int Pings;

    [Function]
    public static void Ping() => Interlocked.Increment(ref Pings);

    [Function]
    public static async Task WaitAsync(int ms, CancellationToken cancellationToken) => await Task.Delay(ms, cancellationToken);

    [Function]
    public static async IAsyncEnumerable<int> CountTo(int n, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 1; i <= n; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }

    [Function]
    [Batched(MaxBatchSize = 4, WaitMs = 10)]
    public static List<int> Double(List<int> xs, int[] offsets) => xs.Zip(offsets, (x, o) => (x * 2) + o).ToList();

    [Function(Name = "fail-loudly")]
    public static void Fail(string message) => throw new InvalidOperationException(message);

    [Function]
    [Cron("0 * * * *", TimeZone = "Europe/Paris")]
    public static void Hourly()
    {
    }

    [Function]
    [Period(Hours = 1, Seconds = 30)]
    [WebEndpoint(Method = "POST", Docs = true)]
    public static void Periodic()
    {
    }
}
