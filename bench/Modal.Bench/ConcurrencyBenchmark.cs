using System.Diagnostics;

namespace Modal.Bench;

/// <summary>
/// concurrency: 1,000 inputs of a 100 ms async wait with [Concurrent(MaxInputs = 100)] on two warm containers. Run one
/// at a time that is 100 s; with 200 in flight the floor is 0.5 s.
/// </summary>
internal static class ConcurrencyBenchmark
{
    private const int N = 1_000;

    public static async Task<object> RunAsync()
    {
        await using var app = await BenchApp.RunAsync(FreshState());
        await foreach (var _ in BenchApp.Functions.Wait100.MapAsync(Enumerable.Range(0, 200)))
        {
        }

        var start = Stopwatch.GetTimestamp();
        var count = 0;
        await foreach (var _ in BenchApp.Functions.Wait100.MapAsync(Enumerable.Range(0, N)))
        {
            count++;
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (count != N)
        {
            throw new InvalidOperationException($"the map returned {count} results for {N} inputs");
        }

        return new { scenario = "concurrency", wall_s = Math.Round(seconds, 3) };
    }

    private static ModalOptions FreshState() => ModalOptions.FromEnvironment() with
    {
        StateDirectory = Path.Combine(Path.GetTempPath(), "modal-bench-" + Guid.NewGuid().ToString("N")),
    };
}
