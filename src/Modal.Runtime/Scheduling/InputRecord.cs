using Modal.Protocol;

namespace Modal.Scheduling;

/// <summary>
/// One input of a call. Its scheduling fields (<see cref="Status"/>, <see cref="Container"/>, <see cref="RetryCount"/>,
/// …) change only under the owning function's lock, which is what makes "one final output per input" hold.
/// </summary>
internal sealed class InputRecord(string inputId, FunctionCallState call, int idx, Payload args, int retryCount = 0)
{
    public string InputId { get; } = inputId;

    public FunctionCallState Call { get; } = call;

    public int Idx { get; } = idx;

    public Payload Args { get; } = args;

    public bool IsSpawned => Call.IsAsync;

    public int RetryCount { get; set; } = retryCount;

    public InputStatus Status { get; set; } = InputStatus.Pending;

    public ContainerTask? Container { get; set; }

    public long DeadlineMs { get; set; }

    /// <summary>When the input last joined the queue; a partial [Batched] batch waits from its first input's arrival.</summary>
    public long EnqueuedAtMs { get; set; }

    /// <summary>The caller cancelled the input while a container ran it; the container hears of it in a heartbeat.</summary>
    public bool CancelRequested { get; set; }

    /// <summary>The input ran past its deadline and the container did not stop it, so the control plane did.</summary>
    public bool TimedOutByServer { get; set; }

    public ContainerInput ToContainerInput() => new()
    {
        InputId = InputId,
        FunctionCallId = Call.CallId,
        Idx = Idx,
        RetryCount = RetryCount,
        Args = Args,
        DeadlineMs = DeadlineMs,
        MethodName = Call.MethodName,
    };
}
