using Modal.Protocol;

namespace Modal.Worker;

/// <summary>
/// One unit of work while the container holds it: an input, or the inputs of one [Batched] batch run as one call. It
/// owns the cancellation of the run, a latch so the unit completes (frees its slot) once, and one latch per input so
/// each input gets exactly one output even when some of them are reported early (a cancelled member of a batch).
/// </summary>
internal sealed class RunningInput : IDisposable
{
    private readonly int[] _reported;
    private int _completed;
    private int _started;
    private int _cancelledByServer;

    public RunningInput(IReadOnlyList<ContainerInput> inputs)
    {
        if (inputs.Count == 0)
        {
            throw new ArgumentException("A unit of work holds at least one input.", nameof(inputs));
        }

        Inputs = inputs;
        _reported = new int[inputs.Count];
    }

    public RunningInput(ContainerInput input)
        : this([input])
    {
    }

    public IReadOnlyList<ContainerInput> Inputs { get; }

    /// <summary>The input (the first of a batch).</summary>
    public ContainerInput Input => Inputs[0];

    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Set before cancelling on the server's request, so a cancellation is not mistaken for a timeout.</summary>
    public bool CancelledByServer => Volatile.Read(ref _cancelledByServer) != 0;

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
        Volatile.Write(ref _cancelledByServer, 1);
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished while the cancellation was on its way.
        }
    }

    /// <summary>The index of an input of this unit, or -1.</summary>
    public int IndexOf(string inputId)
    {
        for (var i = 0; i < Inputs.Count; i++)
        {
            if (Inputs[i].InputId == inputId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True for the first caller only: the unit's own completion or the watchdog that gave up on it.</summary>
    public bool TryComplete() => Interlocked.Exchange(ref _completed, 1) == 0;

    /// <summary>True the first time an output of input <paramref name="index"/> is claimed.</summary>
    public bool TryClaimReport(int index) => Interlocked.Exchange(ref _reported[index], 1) == 0;

    /// <summary>True once every input of the unit has its output.</summary>
    public bool AllReported
    {
        get
        {
            for (var i = 0; i < _reported.Length; i++)
            {
                if (Volatile.Read(ref _reported[i]) == 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public void Dispose() => Cancellation.Dispose();
}
