using System.Threading.Channels;
using Modal.Protocol;

namespace Modal.Scheduling;

/// <summary>
/// One container task of a function, as the scheduler sees it. Everything but <see cref="LastSeenMs"/> changes only under
/// the owning function's lock.
/// </summary>
internal sealed class ContainerTask(string taskId, string token, FunctionRuntime function, long createdAtMs)
{
    private long _lastSeenMs = createdAtMs;
    private long _startedAtMs = createdAtMs;
    private volatile bool _awaitingDevices;
    private volatile bool _awaitingPort;

    public string TaskId { get; } = taskId;

    public string Token { get; } = token;

    public FunctionRuntime Function { get; } = function;

    public long CreatedAtMs { get; } = createdAtMs;

    public ContainerPhase Phase { get; set; } = ContainerPhase.Starting;

    /// <summary>
    /// When the backend was asked to start it: the startup timeout counts from here, not from <see cref="CreatedAtMs"/>,
    /// so time spent waiting for GPUs is not taken as a failed start.
    /// </summary>
    public long StartedAtMs
    {
        get => Volatile.Read(ref _startedAtMs);
        set => Volatile.Write(ref _startedAtMs, value);
    }

    /// <summary>Held back, not started, because the GPUs its function asks for are taken; set by the scheduler.</summary>
    public bool AwaitingDevices
    {
        get => _awaitingDevices;
        set => _awaitingDevices = value;
    }

    public int? Pid { get; set; }

    /// <summary>
    /// Held back, not started, because its [WebServer] port is bound by another container on this node (host
    /// networking); the scheduler starts it when that container is gone.
    /// </summary>
    public bool AwaitingPort
    {
        get => _awaitingPort;
        set => _awaitingPort = value;
    }

    /// <summary>Where the container's HTTP server accepts requests (ContainerWebReady); null until then.</summary>
    public Uri? WebAddress { get; set; }

    /// <summary>
    /// A Unix domain socket the same HTTP server accepts on, which the gateway prefers over <see cref="WebAddress"/>:
    /// set when the container reported one that this machine's file system has (a local-process container).
    /// </summary>
    public string? WebUnixSocket { get; set; }

    /// <summary>Gateway requests forwarded to the container and not finished yet.</summary>
    public int WebInFlight { get; set; }

    /// <summary>Inputs the container said it can take now and has not been sent yet.</summary>
    public int Credits { get; set; }

    /// <summary>Inputs sent and not yet answered, by input id.</summary>
    public Dictionary<string, InputRecord> Assigned { get; } = new(StringComparer.Ordinal);

    /// <summary>Inputs sent over the container's life, for max_inputs.</summary>
    public int Served { get; set; }

    /// <summary>Reached max_inputs: takes nothing new and shuts down once its inputs are answered.</summary>
    public bool Retiring { get; set; }

    /// <summary>Closed its input stream: it finishes what it has and exits.</summary>
    public bool Draining { get; set; }

    public bool ShutdownRequested { get; set; }

    /// <summary>
    /// Set when the container was stopped while idle so that its GPUs go to this waiting container of another function
    /// (see <see cref="FunctionRuntime.TryReclaim"/>); null for any other stop.
    /// </summary>
    public ContainerTask? ReclaimedFor { get; set; }

    public long IdleSinceMs { get; set; } = createdAtMs;

    /// <summary>Cancelled input ids not yet told to the container (heartbeat replies carry them).</summary>
    public List<string>? PendingCancels { get; set; }

    /// <summary>The open input stream's outbound queue; null until the container opens ContainerGetInputs.</summary>
    public Channel<ContainerGetInputsResponse>? Outbound { get; set; }

    /// <summary>Last time the container called the control plane (any RPC); read without the lock.</summary>
    public long LastSeenMs => Volatile.Read(ref _lastSeenMs);

    /// <summary>Can be sent a new input now.</summary>
    public bool CanTakeInput => Phase == ContainerPhase.Ready && Outbound is not null && Credits > 0 && !Retiring && !Draining && !ShutdownRequested;

    /// <summary>Can be sent a new gateway request now, with <paramref name="slots"/> concurrent requests at most.</summary>
    public bool CanTakeWebRequest(int slots) =>
        WebAddress is not null && Phase != ContainerPhase.Exited && WebInFlight < slots && !Retiring && !Draining && !ShutdownRequested;

    /// <summary>Counts toward the pool's capacity for new work.</summary>
    public bool IsActive => Phase != ContainerPhase.Exited && !Retiring && !Draining && !ShutdownRequested;

    public void Seen(long nowMs) => Volatile.Write(ref _lastSeenMs, nowMs);
}
