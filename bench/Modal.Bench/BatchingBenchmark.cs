using System.Diagnostics;

namespace Modal.Bench;

/// <summary>
/// batching: 2,000 inputs through a function that costs a fixed 5 ms per call plus 0.1 ms per item, on one container,
/// called one input per call and with [Batched(MaxBatchSize = 64, WaitMs = 10)]. Callers pass single items either way.
/// </summary>
internal static class BatchingBenchmark
{
    private const int N = 2_000;

    public static async Task<object> RunAsync()
    {
        await using var app = await BenchApp.RunAsync(FreshState());

        // Warm-up: each function's container up and both sides' call paths JIT-compiled.
        await DrainAsync(BenchApp.Functions.Score.MapAsync(Enumerable.Range(0, 100)));
        await DrainAsync(BenchApp.Functions.ScoreBatch.MapAsync(Enumerable.Range(0, 200)));

        var unbatched = await InputsPerSecondAsync(BenchApp.Functions.Score.MapAsync(Enumerable.Range(0, N)));
        var batched = await InputsPerSecondAsync(BenchApp.Functions.ScoreBatch.MapAsync(Enumerable.Range(0, N)));
        return new { scenario = "batching", batched_inputs_per_s = Math.Round(batched), unbatched_inputs_per_s = Math.Round(unbatched) };
    }

    private static async Task<double> InputsPerSecondAsync(IAsyncEnumerable<int> results)
    {
        var start = Stopwatch.GetTimestamp();
        var count = await DrainAsync(results);
        if (count != N)
        {
            throw new InvalidOperationException($"the map returned {count} results for {N} inputs");
        }

        return N / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task<int> DrainAsync(IAsyncEnumerable<int> results)
    {
        var count = 0;
        await foreach (var _ in results)
        {
            count++;
        }

        return count;
    }

    private static ModalOptions FreshState() => ModalOptions.FromEnvironment() with
    {
        StateDirectory = Path.Combine(Path.GetTempPath(), "modal-bench-" + Guid.NewGuid().ToString("N")),
    };
}
