using Modal.Protocol;

namespace Modal.Worker;

/// <summary>One input while it runs: its cancellation, and a latch so exactly one output is reported for it.</summary>
internal sealed class RunningInput(ContainerInput input) : IDisposable
{
    private int _reported;

    public ContainerInput Input { get; } = input;

    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Set before cancelling on the server's request, so a cancellation is not mistaken for a timeout.</summary>
    public bool CancelledByServer { get; private set; }

    public long StartedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public void CancelByServer()
    {
        CancelledByServer = true;
        Cancellation.Cancel();
    }

    /// <summary>True for the first caller only: the input's own completion or the watchdog that gave up on it.</summary>
    public bool TryClaimReport() => Interlocked.Exchange(ref _reported, 1) == 0;

    public void Dispose() => Cancellation.Dispose();
}
