using System.Runtime.CompilerServices;

namespace Modal.TestApp;

/// <summary>Functions for the worker-semantics tests: concurrency, batching, retries, timeouts, cancellation, streaming.</summary>
public static partial class TestApp
{
    /// <summary>100 of these at once should share one container: they are async and the container takes 100.</summary>
    [Function, Concurrent(MaxInputs = 100)]
    public static async Task<string> NapAsync(int ms)
    {
        await Task.Delay(ms);
        return Worker.TaskId;
    }

    /// <summary>The synchronous twin: concurrent inputs run on threads of one container.</summary>
    [Function, Concurrent(MaxInputs = 100)]
    public static string Nap(int ms)
    {
        Thread.Sleep(ms);
        return Worker.TaskId;
    }

    /// <summary>The reference's dynamic-batching example.</summary>
    [Function, Batched(MaxBatchSize = 2, WaitMs = 1000)]
    public static async Task<List<int>> BatchAdd(List<int> xs, List<int> ys)
    {
        await Task.Yield();
        return xs.Zip(ys, (x, y) => x + y).ToList();
    }

    /// <summary>Each caller gets its own tag back, with the size of the batch it ran in; waits long for a full batch.</summary>
    [Function, Batched(MaxBatchSize = 2, WaitMs = 60_000)]
    public static List<string> BatchTag(List<string> tags) => tags.Select(t => $"{t}:{tags.Count}").ToList();

    /// <summary>Fails until its retry count reaches <paramref name="succeedOn"/>, then returns the retry count it saw.</summary>
    [Function, Retries(3, BackoffCoefficient = 1, InitialDelay = 0, MaxDelay = 1)]
    public static int FailUntil(int succeedOn)
    {
        var attempt = InputContext.Current!.RetryCount;
        if (attempt < succeedOn)
        {
            throw new InvalidOperationException($"attempt {attempt} fails on purpose");
        }

        return attempt;
    }

    /// <summary>On its first attempt, writes its process id and hangs (for a kill -9); later attempts return their retry count.</summary>
    [Function, Retries(2, BackoffCoefficient = 1, InitialDelay = 0, MaxDelay = 1)]
    public static int HangFirst(string pidFile)
    {
        var attempt = InputContext.Current!.RetryCount;
        if (attempt == 0)
        {
            File.WriteAllText(pidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Thread.Sleep(TimeSpan.FromMinutes(2));
        }

        return attempt;
    }

    /// <summary>Ignores every cancellation: past its timeout its container must be replaced.</summary>
    [Function(Timeout = 2)]
    public static string Stubborn(int ms)
    {
        Thread.Sleep(ms);
        return Worker.TaskId;
    }

    /// <summary>Stops at its timeout through its token.</summary>
    [Function(Timeout = 1)]
    public static async Task<string> Patient(int ms, CancellationToken cancellationToken)
    {
        await Task.Delay(ms, cancellationToken);
        return Worker.TaskId;
    }

    /// <summary>Waits for its cancellation; records how it saw it in <paramref name="marker"/>.</summary>
    [Function]
    public static async Task<string> AwaitCancel(string marker, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(marker + ".started", Worker.TaskId, CancellationToken.None);
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(2), cancellationToken);
            return "not cancelled";
        }
        catch (OperationCanceledException ex)
        {
            await File.WriteAllTextAsync(marker, ex.GetType().FullName, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The synchronous way: polls <see cref="InputContext.ThrowIfCancellationRequested"/>.</summary>
    [Function]
    public static string SpinUntilCancelled(string marker)
    {
        File.WriteAllText(marker + ".started", "started");
        try
        {
            for (var i = 0; i < 2_400; i++)
            {
                InputContext.ThrowIfCancellationRequested();
                Thread.Sleep(50);
            }

            return "not cancelled";
        }
        catch (InputCancellation ex)
        {
            File.WriteAllText(marker, ex.GetType().FullName);
            throw;
        }
    }

    /// <summary>Synchronous with concurrency (cancelling one input terminates the container); writes its container to <paramref name="marker"/> first.</summary>
    [Function, Concurrent(MaxInputs = 4)]
    public static string Block(int ms, string marker)
    {
        File.WriteAllText(marker, Worker.TaskId);
        Thread.Sleep(ms);
        return Worker.TaskId;
    }

    /// <summary>Two executions for three inputs: each item reports the size of the batch it ran in.</summary>
    [Function, Batched(MaxBatchSize = 2, WaitMs = 1000)]
    public static List<int> BatchSize(List<int> xs) => xs.Select(_ => xs.Count).ToList();

    /// <summary>Yields one item, then waits until <paramref name="gate"/> exists before yielding the rest.</summary>
    [Function]
    public static async IAsyncEnumerable<int> Countdown(int n, string gate, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return n;
        while (!File.Exists(gate))
        {
            await Task.Delay(20, cancellationToken);
        }

        for (var i = n - 1; i >= 0; i--)
        {
            yield return i;
        }
    }

    /// <summary>A synchronous generator.</summary>
    [Function]
    public static IEnumerable<string> Words(string text)
    {
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return word;
        }
    }

    /// <summary>Writes how many items it has produced to <paramref name="progress"/>, for the back-pressure test.</summary>
    [Function]
    public static async IAsyncEnumerable<int> Produce(int n, string progress)
    {
        for (var i = 0; i < n; i++)
        {
            await File.WriteAllTextAsync(progress, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            yield return i;
        }
    }

    /// <summary>A generator that fails after two items.</summary>
    [Function]
    public static IEnumerable<int> Fizzle()
    {
        yield return 1;
        yield return 2;
        throw new InvalidOperationException("fizzled");
    }

    /// <summary>Logs and returns the input id and call id it runs under.</summary>
    [Function, Concurrent(MaxInputs = 10)]
    public static async Task<string> WhoAmI(int ms)
    {
        Console.WriteLine($"start {InputContext.CurrentInputId}");
        await Task.Delay(ms);
        Console.WriteLine($"end {InputContext.CurrentInputId}");
        return $"{InputContext.CurrentInputId}|{InputContext.CurrentFunctionCallId}|{Worker.TaskId}";
    }

    /// <summary>Each input gets a fresh container.</summary>
    [Function(MaxInputs = 1)]
    public static string SingleUse(int i) => Worker.TaskId;
}
