using Modal.Protocol;

namespace Modal.Worker;

/// <summary>One input while the container holds it: its cancellation, and a latch so exactly one output is reported for it.</summary>
internal sealed class RunningInput(ContainerInput input) : IDisposable
{
    private int _reported;
    private int _started;

    public ContainerInput Input { get; } = input;

    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Set before cancelling on the server's request, so a cancellation is not mistaken for a timeout.</summary>
    public bool CancelledByServer { get; private set; }

    /// <summary>When the input got a slot and started running.</summary>
    public long StartedAt { get; private set; }

    /// <summary>False while the input waits for a slot.</summary>
    public bool Started => Volatile.Read(ref _started) != 0;

    public void MarkStarted()
    {
        StartedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        Volatile.Write(ref _started, 1);
    }

    public void CancelByServer()
    {
        CancelledByServer = true;
        Cancellation.Cancel();
    }

    /// <summary>True for the first caller only: the input's own completion or the watchdog that gave up on it.</summary>
    public bool TryClaimReport() => Interlocked.Exchange(ref _reported, 1) == 0;

    public void Dispose() => Cancellation.Dispose();
}
