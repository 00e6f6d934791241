using System.Diagnostics;
using System.Text.Json;
using Modal;
using Modal.Bench;

// Each scenario prints one JSON object per line. Usage: dotnet run -c Release --project bench/Modal.Bench -- SCENARIO [...]
var scenarios = new Dictionary<string, Func<Task<object>>>(StringComparer.Ordinal)
{
    ["remote-latency"] = RemoteLatencyAsync,
    ["map-throughput"] = MapThroughputAsync,
    ["cold-start"] = ColdStartAsync,
    ["generator-500"] = GeneratorBenchmark.RunAsync,
    ["generator-500-distinct"] = GeneratorBenchmark.RunDistinctAsync,
    ["spawn-throughput"] = SpawnThroughputBenchmark.RunAsync,
    ["container-cold-start"] = ContainerColdStart.RunAsync,
    ["batching"] = BatchingBenchmark.RunAsync,
    ["concurrency"] = ConcurrencyBenchmark.RunAsync,
    ["web-throughput"] = WebThroughputBenchmark.RunAsync,
};

var requested = args.Length == 0 ? scenarios.Keys.ToArray() : args;
foreach (var name in requested)
{
    if (!scenarios.TryGetValue(name, out var run))
    {
        Console.Error.WriteLine($"unknown scenario '{name}'; known: {string.Join(", ", scenarios.Keys)}");
        return 2;
    }

    var result = await run();
    Console.WriteLine(JsonSerializer.Serialize(result));
}

return 0;

static ModalOptions FreshState() => ModalOptions.FromEnvironment() with
{
    StateDirectory = Path.Combine(Path.GetTempPath(), "modal-bench-" + Guid.NewGuid().ToString("N")),
};

static async Task WaitWarmAsync(Func<Task> call)
{
    // The first calls wait for the warm pool to come up and for both sides to JIT the call path.
    for (var i = 0; i < 200; i++)
    {
        await call();
    }
}

static async Task<object> RemoteLatencyAsync()
{
    const int n = 2_000;
    await using var app = await BenchApp.RunAsync(FreshState());
    await WaitWarmAsync(() => BenchApp.Functions.Echo.RemoteAsync(1));

    var samples = new double[n];
    for (var i = 0; i < n; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await BenchApp.Functions.Echo.RemoteAsync(i);
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(samples);
    return new { scenario = "remote-latency", n, p50_ms = Math.Round(samples[n / 2], 3), p99_ms = Math.Round(samples[(int)(n * 0.99)], 3) };
}

static async Task<object> MapThroughputAsync()
{
    const int n = 20_000;
    await using var app = await BenchApp.RunAsync(FreshState());
    await foreach (var _ in BenchApp.Functions.Increment.MapAsync(Enumerable.Range(0, 2_000)))
    {
    }

    var start = Stopwatch.GetTimestamp();
    var count = 0;
    await foreach (var _ in BenchApp.Functions.Increment.MapAsync(Enumerable.Range(0, n)))
    {
        count++;
    }

    var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    if (count != n)
    {
        throw new InvalidOperationException($"map returned {count} results for {n} inputs");
    }

    return new { scenario = "map-throughput", n, inputs_per_s = Math.Round(n / seconds) };
}

static async Task<object> ColdStartAsync()
{
    // Several fresh apps, so the figure is a median of cold starts rather than one sample.
    const int runs = 5;
    var samples = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        await using var app = await BenchApp.RunAsync(FreshState());
        var start = Stopwatch.GetTimestamp();
        await BenchApp.Functions.Cold.RemoteAsync(i);
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(samples);
    return new { scenario = "cold-start", ms = Math.Round(samples[runs / 2], 1), runs, min_ms = Math.Round(samples[0], 1), max_ms = Math.Round(samples[^1], 1) };
}
