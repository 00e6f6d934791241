using System.Diagnostics;

namespace Modal.Bench;

/// <summary>Functions of the batching and concurrency scenarios.</summary>
public static partial class BenchApp
{
    /// <summary>Fixed cost of one call of the batching scenario's function.</summary>
    internal static readonly TimeSpan CallCost = TimeSpan.FromMilliseconds(5);

    /// <summary>Cost of each item in a call of the batching scenario's function.</summary>
    internal static readonly TimeSpan ItemCost = TimeSpan.FromMilliseconds(0.1);

    // No warm pools here: every scenario starts the whole app, and idle containers of these would skew the others'
    // figures. The scenarios warm their own containers up first.

    /// <summary>One item per call: pays the fixed cost every time.</summary>
    [Function(MaxContainers = 1)]
    public static int Score(int x)
    {
        Work(CallCost + ItemCost);
        return x + 1;
    }

    /// <summary>The same work, batched: the fixed cost is paid once per batch of up to 64.</summary>
    [Function(MaxContainers = 1), Batched(MaxBatchSize = 64, WaitMs = 10)]
    public static List<int> ScoreBatch(List<int> xs)
    {
        Work(CallCost + (ItemCost * xs.Count));
        return xs.Select(x => x + 1).ToList();
    }

    /// <summary>The concurrency scenario: an async 100 ms wait, 100 at a time per container, on two containers.</summary>
    [Function(MaxContainers = 2), Concurrent(MaxInputs = 100)]
    public static async Task<int> Wait100(int x)
    {
        await Task.Delay(100);
        return x;
    }

    /// <summary>
    /// Stands for a call's cost (a model's forward pass) without the precision limits of a timer: sleeps whole
    /// milliseconds and spins the rest, so a 5.1 ms call costs 5.1 ms rather than 5 or 6.
    /// </summary>
    private static void Work(TimeSpan cost)
    {
        var start = Stopwatch.GetTimestamp();
        var sleep = (int)cost.TotalMilliseconds - 1;
        if (sleep > 0)
        {
            Thread.Sleep(sleep);
        }

        while (Stopwatch.GetElapsedTime(start) < cost)
        {
            Thread.SpinWait(20);
        }
    }
}
