namespace Modal.TestApp;

/// <summary>A class with parameters and lifecycle hooks: each label gets its own pool, and its count lives per container.</summary>
[Cls]
public class Counter
{
    private int _count;
    private string _enteredIn = "";

    [Parameter]
    public string Label { get; set; } = "default";

    [Parameter]
    public int Start { get; set; }

    /// <summary>A file the hooks append "enter" and "exit" to, when set.</summary>
    [Parameter]
    public string Journal { get; set; } = "";

    [Enter]
    public async Task OpenAsync()
    {
        await Task.Yield();
        _count = Start;
        _enteredIn = Worker.TaskId;
        Note("enter");
    }

    [Exit]
    public void Close() => Note("exit");

    [Method]
    public int Increment(int by) => Interlocked.Add(ref _count, by);

    [Method]
    public async Task<string> DescribeAsync()
    {
        await Task.Yield();
        return $"{Label}|{Volatile.Read(ref _count)}|{_enteredIn}|{Worker.TaskId}";
    }

    private void Note(string what)
    {
        if (Journal.Length > 0)
        {
            File.AppendAllText(Journal, $"{what} {Worker.TaskId}\n");
        }
    }
}

/// <summary>Its [Enter] hook always fails.</summary>
[Cls]
public class BrokenSetup
{
    [Enter]
    public void Setup() => throw new InvalidOperationException("setup exploded");

    [Method]
    public int Ping() => 1;
}

/// <summary>A batched method of a class.</summary>
[Cls]
public class Doubler
{
    [Parameter]
    public int Offset { get; set; }

    [Batched(MaxBatchSize = 4, WaitMs = 200)]
    public List<int> Double(List<int> xs) => xs.Select(x => (x * 2) + Offset + (xs.Count * 1000)).ToList();
}

/// <summary>Scales down one second after its last input, so a test can see [Exit] run on scale-down.</summary>
[Cls(ScaledownWindow = 1)]
public class ShortLived
{
    [Parameter]
    public string Journal { get; set; } = "";

    [Enter]
    public void Open() => File.AppendAllText(Journal, $"enter {Worker.TaskId}\n");

    [Exit]
    public async Task CloseAsync(CancellationToken cancellationToken) =>
        await File.AppendAllTextAsync(Journal, $"exit {Worker.TaskId}\n", cancellationToken);

    [Method]
    public string Touch() => Worker.TaskId;
}
