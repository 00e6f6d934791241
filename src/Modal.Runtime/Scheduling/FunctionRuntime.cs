using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Modal.ControlPlane;
using Modal.Manifest;
using Modal.Protocol;
using Modal.Rules;

namespace Modal.Scheduling;

/// <summary>
/// One function's scheduling state: its input queue with the reference's limits, its containers with their credits and
/// assigned inputs, its retry policy and its autoscaler. Every change happens under one lock; inputs are handed to a
/// container by writing to that container's stream queue, so a waiting container gets an input the moment it is queued.
/// Work that must not run under the lock (storage, backend calls, timers) is returned as <see cref="SchedulingEffects"/>.
/// A [Cls] class is a template that never runs itself: each distinct set of its parameters gets a bound pool, another
/// <see cref="FunctionRuntime"/> with the same manifest (see <see cref="BoundPools"/>).
/// </summary>
internal sealed class FunctionRuntime
{
    /// <summary>Containers that exit before saying hello this many times in a row fail the function's pending inputs.</summary>
    public const int StartFailureLimit = 3;

    private static readonly TimeSpan StartFailureCooldown = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly List<ContainerTask> _containers = [];
    private readonly HashSet<InputRecord> _waitingRetry = [];
    private readonly QueueLimits _limits;
    private readonly long _heartbeatTimeoutMs;
    private readonly long _timeoutGraceMs;
    private readonly ControlPlaneOptions _options;
    private readonly int _maxBatchSize;
    private readonly long _batchWaitMs;
    private Queue<InputRecord> _pending = new();
    private readonly Queue<WebWaiter> _webWaiters = new();
    private int _webWaiting;
    private int _webRunning;
    private bool _webWarm;
    private volatile bool _superseded;
    private long _wakeDueMs = long.MaxValue;
    private int _initFailures;
    private int _pendingSync;
    private int _pendingSpawned;
    private int _running;
    private int _nextContainer;
    private int _startFailures;
    private long _startCooldownUntilMs;
    private bool _stopped;

    public FunctionRuntime(string functionId, RunningApp app, FunctionManifest manifest, ControlPlaneOptions options)
    {
        FunctionId = functionId;
        App = app;
        Manifest = manifest;
        ManifestJson = JsonSerializer.Serialize(manifest, AppManifest.JsonOptions);
        // Items a generator already streamed cannot be taken back, so its inputs are never run twice.
        Retry = manifest.IsGenerator ? RetryPolicy.None : RetryPolicy.From(manifest.Retries);
        Autoscaler = AutoscalerSettings.From(manifest, options.DefaultMaxContainers);
        TimeoutMs = (manifest.TimeoutSeconds ?? ModalLimits.DefaultTimeoutSeconds) * 1000L;
        StartupTimeoutMs = manifest.StartupTimeoutSeconds is { } startup ? startup * 1000L : (long)options.ContainerStartupTimeout.TotalMilliseconds;
        MaxConcurrentInputs = Math.Max(1, manifest.Concurrency?.MaxInputs ?? 1);
        MaxInputsPerContainer = manifest.MaxInputs ?? 0;
        _limits = options.QueueLimits;
        _heartbeatTimeoutMs = (long)options.ContainerHeartbeatTimeout.TotalMilliseconds;
        _timeoutGraceMs = (long)options.InputTimeoutGrace.TotalMilliseconds;
        _options = options;
        _maxBatchSize = manifest.Batching?.MaxBatchSize ?? 0;
        _batchWaitMs = manifest.Batching?.WaitMs ?? 0;
    }

    /// <summary>The pool of a [Cls] <paramref name="template"/> for one set of parameter values.</summary>
    private FunctionRuntime(string functionId, FunctionRuntime template, byte[] classParameters)
        : this(functionId, template.App, template.Manifest, template._options)
    {
        Template = template;
        ClassParameters = classParameters;
    }

    /// <summary>True for a [Cls] class itself, which only hands out bound pools; false for functions and bound pools.</summary>
    public bool IsClassTemplate => Manifest.Kind == "class" && Template is null;

    /// <summary>For a bound pool: the class it belongs to.</summary>
    public FunctionRuntime? Template { get; }

    /// <summary>For a bound pool: the serialized parameter values its containers create their instance with.</summary>
    public byte[]? ClassParameters { get; }

    /// <summary>For a [Cls] class: its pools, by the hex of their serialized parameters.</summary>
    public ConcurrentDictionary<string, FunctionRuntime> BoundPools { get; } = new(StringComparer.Ordinal);

    public bool IsBatched => _maxBatchSize > 0;

    /// <summary>Served over HTTP through the gateway ([WebEndpoint], [WebApp] or [WebServer]).</summary>
    public bool IsWeb => Manifest.Web is not null;

    /// <summary>
    /// The port a [WebServer] function's code listens on. Containers share the node's network (host networking), so at
    /// most one container per node can hold it: the pool never grows past one container.
    /// </summary>
    public int? WebServerPort => Manifest.Web is { Kind: "server", Port: { } port } ? port : null;

    /// <summary>
    /// A newer deployed version serves the same URL and is ready (or this one must give up its port first): the gateway
    /// sends this version no new requests, and it is stopped once its in-flight requests finish.
    /// </summary>
    public bool Superseded
    {
        get => _superseded;
        set => _superseded = value;
    }

    /// <summary>The pool for <paramref name="classParameters"/>: the same one for the same bytes, created on first use.</summary>
    public FunctionRuntime Bind(byte[] classParameters)
    {
        if (!IsClassTemplate)
        {
            throw new InvalidError($"'{Name}' is not a [Cls] class, so it has no parameters to bind; call it directly.");
        }

        lock (_gate)
        {
            EnsureRunningLocked();
            var key = Convert.ToHexString(classParameters);
            if (!BoundPools.TryGetValue(key, out var pool))
            {
                pool = new FunctionRuntime(IdGenerator.New("fu"), this, classParameters);
                BoundPools[key] = pool;
            }

            return pool;
        }
    }
    public string FunctionId { get; }

    public string Name => Manifest.Name;

    public RunningApp App { get; }

    public FunctionManifest Manifest { get; }

    /// <summary>The manifest entry as JSON, as ContainerHello and FunctionGet return it.</summary>
    public string ManifestJson { get; }

    public RetryPolicy Retry { get; }

    public AutoscalerSettings Autoscaler { get; private set; }

    public long TimeoutMs { get; }

    public long StartupTimeoutMs { get; }

    /// <summary>Slots of one container (concurrency maxInputs, or 1).</summary>
    public int MaxConcurrentInputs { get; }

    /// <summary>Inputs a container serves before it is replaced; 0 for no limit.</summary>
    public int MaxInputsPerContainer { get; }

    public bool IsStopped
    {
        get
        {
            lock (_gate)
            {
                return _stopped;
            }
        }
    }

    public FunctionCounts Counts()
    {
        lock (_gate)
        {
            return new FunctionCounts(
                _pendingSync,
                _pendingSpawned,
                _running,
                _waitingRetry.Count,
                _containers.Count,
                _containers.Count(c => c.IsActive));
        }
    }

    public List<ContainerTask> Containers()
    {
        lock (_gate)
        {
            return [.. _containers];
        }
    }

    /// <summary>
    /// Reserves queue room for <paramref name="count"/> new inputs, or refuses them all with
    /// <see cref="ResourceExhaustedError"/> when they would pass a limit. Nothing is queued yet, so a refusal loses nothing.
    /// </summary>
    public void Reserve(int count, bool spawned)
    {
        lock (_gate)
        {
            EnsureRunningLocked();
            if (IsClassTemplate)
            {
                throw new InvalidError(
                    $"'{Name}' is a [Cls] class: calls go to the pool of one set of its parameters. Bind the parameters first " +
                    "(the class's generated handle does, with FunctionBindParams) and call a method of that pool.");
            }

            if (spawned)
            {
                if (_pendingSpawned + count > _limits.MaxPendingSpawned)
                {
                    throw Exhausted(
                        $"Function '{Name}' has {N(_pendingSpawned)} spawned inputs waiting for a container; {N(count)} more would pass " +
                        $"the limit of {N(_limits.MaxPendingSpawned)} pending spawned inputs per function.", count);
                }

                _pendingSpawned += count;
                return;
            }

            if (_pendingSync + count > _limits.MaxPending)
            {
                throw Exhausted(
                    $"Function '{Name}' has {N(_pendingSync)} inputs waiting for a container; {N(count)} more would pass the limit of " +
                    $"{N(_limits.MaxPending)} pending inputs per function.", count);
            }

            if (_pendingSync + _running + count > _limits.MaxTotal)
            {
                throw Exhausted(
                    $"Function '{Name}' has {N(_pendingSync + _running)} inputs pending or running; {N(count)} more would pass the limit of " +
                    $"{N(_limits.MaxTotal)} total inputs per function.", count);
            }

            _pendingSync += count;
        }
    }

    /// <summary>Gives back a reservation whose inputs could not be stored.</summary>
    public void Unreserve(int count, bool spawned)
    {
        lock (_gate)
        {
            if (spawned)
            {
                _pendingSpawned -= count;
            }
            else
            {
                _pendingSync -= count;
            }
        }
    }

    /// <summary>Queues inputs that <see cref="Reserve"/> made room for, hands what it can to containers, and scales up.</summary>
    public void EnqueueReserved(IReadOnlyList<InputRecord> inputs, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                foreach (var input in inputs)
                {
                    DecrementPendingLocked(input);
                    FinalizeLocked(input, PlatformResults.Terminated(StoppedMessage()), effects);
                }

                return;
            }

            foreach (var input in inputs)
            {
                input.Status = InputStatus.Pending;
                input.EnqueuedAtMs = nowMs;
                _pending.Enqueue(input);
            }

            DispatchLocked(nowMs, effects);
            ScaleUpLocked(nowMs, effects);
        }
    }

    /// <summary>Queues inputs accepted before a restart: they were inside the limits then, so they are not checked again.</summary>
    public void EnqueueRecovered(IReadOnlyList<InputRecord> inputs, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            foreach (var input in inputs)
            {
                IncrementPendingLocked(input);
            }
        }

        EnqueueReserved(inputs, nowMs, effects);
    }

    /// <summary>Puts an input whose retry backoff ended back in the queue.</summary>
    public void Requeue(InputRecord input, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            if (!_waitingRetry.Remove(input) || input.Status != InputStatus.RetryWaiting)
            {
                return;
            }

            if (_stopped)
            {
                FinalizeLocked(input, PlatformResults.Terminated(StoppedMessage()), effects);
                return;
            }

            input.Status = InputStatus.Pending;
            input.EnqueuedAtMs = nowMs;
            IncrementPendingLocked(input);
            _pending.Enqueue(input);
            DispatchLocked(nowMs, effects);
            ScaleUpLocked(nowMs, effects);
        }
    }

    /// <summary>A partial batch's wait ended: dispatch what is due.</summary>
    public void Wake(long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            _wakeDueMs = long.MaxValue;
            if (!_stopped)
            {
                DispatchLocked(nowMs, effects);
            }
        }
    }

    /// <summary>Starts the containers the autoscaler wants now (minContainers at app start).</summary>
    /// <summary>update_autoscaler: new settings that hold until the next deploy, which creates the function anew.</summary>
    public void UpdateAutoscaler(AutoscalerSettings settings, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            Autoscaler = settings;
            ScaleUpLocked(nowMs, effects);
        }
    }

    public void Scale(long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            ScaleUpLocked(nowMs, effects);
        }
    }

    /// <summary>
    /// The container is up. It stays <see cref="ContainerPhase.Starting"/> until it opens its input stream, which it does
    /// after its [Enter] hooks ran, so the startup timeout covers them.
    /// </summary>
    public void Hello(ContainerTask container, int pid, long nowMs)
    {
        lock (_gate)
        {
            EnsureLiveLocked(container);
            container.Pid = pid;
            container.Seen(nowMs);
            container.IdleSinceMs = nowMs;
        }
    }

    /// <summary>Opens the container's input stream; the channel carries what the stream writes.</summary>
    public Channel<ContainerGetInputsResponse> OpenStream(ContainerTask container, long nowMs)
    {
        lock (_gate)
        {
            EnsureLiveLocked(container);
            if (container.Outbound is not null)
            {
                throw new InvalidError($"Container {container.TaskId} already has an input stream open; a container opens ContainerGetInputs once.");
            }

            if (container.Phase == ContainerPhase.Starting)
            {
                container.Phase = ContainerPhase.Ready;
                _startFailures = 0;
            }

            container.Seen(nowMs);
            // Writes happen under this function's lock, so there is one writer at a time.
            var channel = Channel.CreateUnbounded<ContainerGetInputsResponse>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            container.Outbound = channel;
            if (container.ShutdownRequested)
            {
                channel.Writer.TryWrite(new ContainerGetInputsResponse { Shutdown = true });
                channel.Writer.TryComplete();
            }

            return channel;
        }
    }

    public void AddCredits(ContainerTask container, int credits, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            if (container.Phase == ContainerPhase.Exited || container.Draining)
            {
                return;
            }

            container.Credits += credits;
            DispatchLocked(nowMs, effects);
            // A container that just reached max_inputs no longer counts as capacity; its replacement starts now.
            ScaleUpLocked(nowMs, effects);
        }
    }

    /// <summary>
    /// The container's input stream ended. A clean end means the container is draining (it finishes what it has and exits);
    /// a broken stream means it is gone, and its inputs are retried or terminated.
    /// </summary>
    public void CloseStream(ContainerTask container, bool broken, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            if (container.Phase == ContainerPhase.Exited)
            {
                return;
            }

            if (broken && !container.ShutdownRequested)
            {
                LoseLocked(container, "its input stream to the control plane broke", nowMs, effects);
                effects.AddStop(container);
                return;
            }

            container.Draining = true;
            container.Credits = 0;
            container.Outbound?.Writer.TryComplete();
            ScaleUpLocked(nowMs, effects);
        }
    }

    /// <summary>Takes a container's outputs: final ones are delivered, failures retried per the policy, stale ones dropped.</summary>
    public void CompleteOutputs(ContainerTask container, IEnumerable<ContainerOutput> outputs, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            FunctionResult? initFailure = null;
            foreach (var output in outputs)
            {
                // An output for an input this container no longer holds (re-queued after a broken stream, or a duplicate
                // send) must not become a second final output.
                if (!container.Assigned.TryGetValue(output.InputId, out var input) || input.RetryCount != output.RetryCount)
                {
                    continue;
                }

                container.Assigned.Remove(output.InputId);
                _running--;
                input.Container = null;
                var result = output.Result ?? new FunctionResult { Status = ResultStatus.Unspecified };
                var retryable = result.Status is not (ResultStatus.Success or ResultStatus.Cancelled or ResultStatus.Terminated);
                SettleLocked(input, result, retryable, effects);
                if (result.Status == ResultStatus.InitFailure)
                {
                    initFailure = result;
                }
                else if (result.Status == ResultStatus.Success)
                {
                    _initFailures = 0;
                }
            }

            if (initFailure is not null && ++_initFailures >= StartFailureLimit)
            {
                // Every new container fails the same way ([Enter] or loading the app raised): end the queue with that
                // error instead of starting container after container for it.
                FailPendingLocked(new FunctionResult
                {
                    Status = ResultStatus.InitFailure,
                    Error = new RemoteError
                    {
                        Type = initFailure.Error?.Type ?? "Modal.ContainerInitFailure",
                        Message = $"{_initFailures} containers of '{Name}' in a row failed to start: {initFailure.Error?.Message}",
                        StackTrace = initFailure.Error?.StackTrace ?? "",
                        Inner = initFailure.Error?.Inner ?? "",
                    },
                }, nowMs, effects);
                _initFailures = 0;
            }

            if (container.Assigned.Count == 0 && container.WebInFlight == 0)
            {
                container.IdleSinceMs = nowMs;
                if ((container.Retiring || container.Draining) && container.Phase != ContainerPhase.Exited)
                {
                    RequestShutdownLocked(container, effects);
                    ScaleUpLocked(nowMs, effects);
                }
            }
        }
    }

    /// <summary>The container is gone (exited, killed, unreachable): its inputs are retried or terminated.</summary>
    public void Lose(ContainerTask container, string reason, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            LoseLocked(container, reason, nowMs, effects);
        }
    }

    /// <summary>The input a container runs now with this id and retry count, or null when it holds no such input.</summary>
    public InputRecord? AssignedInput(ContainerTask container, string inputId, int retryCount)
    {
        lock (_gate)
        {
            return container.Phase != ContainerPhase.Exited &&
                container.Assigned.TryGetValue(inputId, out var input) && input.RetryCount == retryCount && !input.CancelRequested
                ? input
                : null;
        }
    }

    /// <summary>Cancellations to tell the container, and whether it should shut down.</summary>
    public (List<string>? CancelInputIds, bool Shutdown) Heartbeat(ContainerTask container, long nowMs)
    {
        lock (_gate)
        {
            EnsureLiveLocked(container);
            container.Seen(nowMs);
            var cancels = container.PendingCancels;
            container.PendingCancels = null;
            return (cancels, container.ShutdownRequested);
        }
    }

    /// <summary>
    /// Cancels inputs: queued and backing-off ones end now as CANCELLED; running ones are told to their container in its
    /// next heartbeat, or their containers are stopped when <paramref name="terminateContainers"/> is set.
    /// </summary>
    public void Cancel(IReadOnlyList<InputRecord> inputs, bool terminateContainers, long nowMs, SchedulingEffects effects)
    {
        const string message = "The input was cancelled (FunctionCallCancel) before it finished.";
        lock (_gate)
        {
            var removedPending = false;
            HashSet<ContainerTask>? terminate = null;
            foreach (var input in inputs)
            {
                switch (input.Status)
                {
                    case InputStatus.Pending:
                        DecrementPendingLocked(input);
                        FinalizeLocked(input, PlatformResults.Cancelled(message), effects);
                        removedPending = true;
                        break;
                    case InputStatus.RetryWaiting:
                        _waitingRetry.Remove(input);
                        FinalizeLocked(input, PlatformResults.Cancelled(message), effects);
                        break;
                    case InputStatus.Running when input.Container is { } container:
                        input.CancelRequested = true;
                        if (terminateContainers || CancelTerminatesContainer)
                        {
                            (terminate ??= []).Add(container);
                            break;
                        }

                        (container.PendingCancels ??= []).Add(input.InputId);
                        container.Outbound?.Writer.TryWrite(new ContainerGetInputsResponse { CancelInputIds = { input.InputId } });
                        break;
                }
            }

            if (removedPending)
            {
                _pending = new Queue<InputRecord>(_pending.Where(i => i.Status == InputStatus.Pending));
            }

            foreach (var container in terminate ?? [])
            {
                // The container's other inputs did nothing wrong: they run again elsewhere without spending a retry.
                LoseLocked(container, "it was terminated by FunctionCallCancel", nowMs, effects, reschedule: true);
                effects.AddStop(container);
            }
        }
    }

    /// <summary>The app stopped: every unfinished input ends as TERMINATED and every container is shut down.</summary>
    public void Stop(string message, SchedulingEffects effects)
    {
        lock (_gate)
        {
            _stopped = true;
            var result = PlatformResults.Terminated(message);
            foreach (var input in _pending)
            {
                if (input.Status == InputStatus.Pending)
                {
                    // Counted one by one: room reserved by a FunctionMap still in flight is given back by that call.
                    DecrementPendingLocked(input);
                    FinalizeLocked(input, result, effects);
                }
            }

            _pending.Clear();
            foreach (var input in _waitingRetry)
            {
                FinalizeLocked(input, result, effects);
            }

            _waitingRetry.Clear();
            foreach (var container in _containers)
            {
                foreach (var input in container.Assigned.Values)
                {
                    input.Container = null;
                    FinalizeLocked(input, result, effects);
                }

                _running -= container.Assigned.Count;
                container.Assigned.Clear();
                _webRunning -= container.WebInFlight;
                container.WebInFlight = 0;
                RequestShutdownLocked(container, effects);
            }

            // Queued requests go to whatever version serves the URL now (a redeploy retired this one), or get a 503.
            FailWebWaitersLocked(StoppedMessage(), retryElsewhere: true);
        }
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Gateway requests: each takes a slot on a container whose HTTP server is ready, or waits in the function's queue,
    // where it counts as a pending input for the autoscaler.
    // -----------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The container's HTTP server accepts requests at <paramref name="address"/>, and on <paramref name="unixSocket"/>
    /// when not null (ContainerWebReady).
    /// </summary>
    public void WebReady(ContainerTask container, Uri address, string? unixSocket, long nowMs)
    {
        lock (_gate)
        {
            EnsureLiveLocked(container);
            if (!IsWeb)
            {
                throw new InvalidError(
                    $"Function '{Name}' is not a web function ([WebEndpoint], [WebApp] or [WebServer]), so its container {container.TaskId} " +
                    "has no HTTP server for the gateway; only web functions call ContainerWebReady.");
            }

            container.WebAddress = address;
            container.WebUnixSocket = unixSocket;
            container.Seen(nowMs);
            container.IdleSinceMs = nowMs;
            _webWarm = false;
            DispatchWebLocked();
        }
    }

    /// <summary>
    /// A slot for one gateway request: assigned at once when a ready container has one free, else queued (which may start
    /// a container). A stopped function fails the waiter so the gateway routes the request again.
    /// </summary>
    public WebWaiter RequestWeb(long nowMs, SchedulingEffects effects)
    {
        var waiter = new WebWaiter();
        lock (_gate)
        {
            // Superseded is read under the lock that HasWebWork takes, so a redeploy that saw no web work after setting
            // it cannot miss a request that got in just before: every later request is routed to the new version.
            if (_stopped || _superseded)
            {
                waiter.Fail(StoppedMessage(), retryElsewhere: true);
                return waiter;
            }

            if (_webWaiting == 0 && NextWebContainerLocked() is { } container)
            {
                AssignWebLocked(container, waiter);
                return waiter;
            }

            _webWaiters.Enqueue(waiter);
            _webWaiting++;
            ScaleUpLocked(nowMs, effects);
            return waiter;
        }
    }

    /// <summary>The request stopped waiting; false when a container was assigned to it just before (release that slot).</summary>
    public bool AbandonWeb(WebWaiter waiter)
    {
        lock (_gate)
        {
            if (!waiter.Abandon())
            {
                return false;
            }

            _webWaiting--;
            return true;
        }
    }

    /// <summary>A forwarded request ended: its slot goes to the next queued request.</summary>
    public void ReleaseWeb(ContainerTask container, long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            // A lost or stopped container already gave back the slots of its requests.
            if (container.Phase == ContainerPhase.Exited || container.WebInFlight == 0)
            {
                return;
            }

            container.WebInFlight--;
            _webRunning--;
            if (container.WebInFlight == 0 && container.Assigned.Count == 0)
            {
                container.IdleSinceMs = nowMs;
                if (container.Retiring || container.Draining)
                {
                    RequestShutdownLocked(container, effects);
                    ScaleUpLocked(nowMs, effects);
                }
            }

            DispatchWebLocked();
        }
    }

    /// <summary>
    /// Starts a container ahead of traffic when none serves HTTP yet, so a redeploy's new version is ready before the old
    /// one stops taking requests.
    /// </summary>
    public void WarmWeb(long nowMs, SchedulingEffects effects)
    {
        lock (_gate)
        {
            if (_stopped || _containers.Any(IsServingLocked))
            {
                return;
            }

            _webWarm = true;
            ScaleUpLocked(nowMs, effects);
        }
    }

    /// <summary>Has a container whose HTTP server is ready and that takes new requests (busy or not).</summary>
    public bool HasWebContainer
    {
        get
        {
            lock (_gate)
            {
                return !_stopped && _containers.Any(IsServingLocked);
            }
        }
    }

    /// <summary>Gateway requests queued for or running on this function.</summary>
    public bool HasWebWork
    {
        get
        {
            lock (_gate)
            {
                return _webWaiting > 0 || _webRunning > 0;
            }
        }
    }

    /// <summary>Gateway requests queued for a slot, and running on containers.</summary>
    public (int Waiting, int Running) WebCounts()
    {
        lock (_gate)
        {
            return (_webWaiting, _webRunning);
        }
    }

    private static bool IsServingLocked(ContainerTask container) => container.WebAddress is not null && container.IsActive;

    private void DispatchWebLocked()
    {
        while (_webWaiters.Count > 0)
        {
            if (_webWaiters.Peek().Done)
            {
                _webWaiters.Dequeue();
                continue;
            }

            var container = NextWebContainerLocked();
            if (container is null)
            {
                return;
            }

            var waiter = _webWaiters.Dequeue();
            _webWaiting--;
            AssignWebLocked(container, waiter);
        }

        if (_webWaiting == 0 && _webWaiters.Count > 0)
        {
            _webWaiters.Clear();
        }
    }

    private ContainerTask? NextWebContainerLocked()
    {
        ContainerTask? best = null;
        foreach (var container in _containers)
        {
            // The least busy container: requests spread over the pool instead of piling onto the first.
            if (container.CanTakeWebRequest(MaxConcurrentInputs) && (best is null || container.WebInFlight < best.WebInFlight))
            {
                best = container;
            }
        }

        return best;
    }

    private void AssignWebLocked(ContainerTask container, WebWaiter waiter)
    {
        container.WebInFlight++;
        container.Served++;
        _webRunning++;
        RetireIfSpentLocked(container);
        waiter.TryAssign(container);
    }

    private void FailWebWaitersLocked(string message, bool retryElsewhere)
    {
        while (_webWaiters.Count > 0)
        {
            _webWaiters.Dequeue().Fail(message, retryElsewhere);
        }

        _webWaiting = 0;
        _webWarm = false;
    }

    /// <summary>Pending and running inputs plus queued and running gateway requests: the autoscaler's measure of work.</summary>
    private int InflightLocked() =>
        _pendingSync + _pendingSpawned + _running + _webWaiting + _webRunning + (_webWarm ? 1 : 0);

    private int DesiredLocked()
    {
        var desired = Autoscaler.DesiredContainers(InflightLocked());
        return WebServerPort is null ? desired : Math.Min(desired, 1);
    }

    /// <summary>
    /// The periodic pass: containers that never connected, stopped heartbeating or hold an input far past its deadline are
    /// stopped; idle containers past the scale-down window go when the pool is larger than the autoscaler wants; and the
    /// pool is topped up to what it wants (minContainers, replacements).
    /// </summary>
    public void Maintain(long nowMs, bool checkDeadlines, SchedulingEffects effects)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            foreach (var container in _containers.ToArray())
            {
                if (container.ShutdownRequested)
                {
                    continue;
                }

                if (container.Phase == ContainerPhase.Starting && !container.AwaitingDevices && !container.AwaitingPort && nowMs - container.StartedAtMs > StartupTimeoutMs)
                {
                    LoseLocked(container, $"it did not connect to the control plane within {Seconds(StartupTimeoutMs)} of starting", nowMs, effects);
                    effects.AddStop(container);
                }
                else if (container.Phase == ContainerPhase.Ready && nowMs - container.LastSeenMs > _heartbeatTimeoutMs)
                {
                    LoseLocked(container, $"it sent no heartbeat for {Seconds(_heartbeatTimeoutMs)}", nowMs, effects);
                    effects.AddStop(container);
                }
                else if (checkDeadlines && container.Phase == ContainerPhase.Ready && HasStuckInputLocked(container, nowMs))
                {
                    LoseLocked(container, "an input ran past its timeout and the container did not stop it", nowMs, effects);
                    effects.AddStop(container);
                }
            }

            var desired = DesiredLocked();
            var active = _containers.Count(c => c.IsActive);
            if (active > desired)
            {
                // A surplus container still waiting for GPUs never started, so it goes first and at once: dropping it cuts
                // nothing, while left waiting it would start later only to sit idle on the devices for a whole window.
                // Newest first, so the oldest waiter keeps its place.
                foreach (var container in _containers.Where(c => c.IsActive && c.AwaitingDevices).Reverse().ToList())
                {
                    if (active <= desired)
                    {
                        break;
                    }

                    RequestShutdownLocked(container, effects);
                    active--;
                }

                var windowMs = (long)Autoscaler.ScaledownWindow.TotalMilliseconds;
                // A container serving gateway requests is busy like one running inputs: scale-down never cuts a response.
                foreach (var container in _containers.Where(c => c.IsActive && c.Phase == ContainerPhase.Ready && c.Assigned.Count == 0 && c.WebInFlight == 0)
                             .OrderBy(c => c.IdleSinceMs).ToList())
                {
                    if (active <= desired || nowMs - container.IdleSinceMs < windowMs)
                    {
                        break;
                    }

                    RequestShutdownLocked(container, effects);
                    active--;
                }
            }

            DispatchLocked(nowMs, effects);
            ScaleUpLocked(nowMs, effects);
        }
    }

    /// <summary>Inputs or gateway requests wait for a container of this function (not counting those running).</summary>
    public bool HasQueuedWork
    {
        get
        {
            lock (_gate)
            {
                return !_stopped && (_pendingSync + _pendingSpawned + _webWaiting > 0);
            }
        }
    }

    /// <summary>
    /// Containers whose GPUs may be taken back for another function's waiting container, longest idle first: connected,
    /// with no input (in any [Concurrent] slot or batch) and no gateway request in flight, and beyond what the autoscaler
    /// wants now, so minContainers and the buffer, the user's explicit wish to stay warm, are never given up. These are the
    /// containers scale-down would stop once their window passed.
    /// </summary>
    public List<ContainerTask> ReclaimableContainers()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return [];
            }

            var surplus = WarmCountLocked() - DesiredLocked();
            return surplus <= 0
                ? []
                : [.. _containers.Where(IsIdleLocked).OrderBy(c => c.IdleSinceMs).Take(surplus)];
        }
    }

    /// <summary>
    /// Stops <paramref name="container"/> so its GPUs go to a waiting container, unless it got work or became part of the
    /// pool the autoscaler wants since <see cref="ReclaimableContainers"/> chose it. The check and the shutdown happen under
    /// this function's lock, as in scale-down, so no input can be handed to the container in between.
    /// </summary>
    /// <param name="container">A container of this function that <see cref="ReclaimableContainers"/> returned.</param>
    /// <param name="waiting">The waiting container its GPUs go to; kept on the stopped container for diagnostics.</param>
    /// <param name="effects">Receives the stop.</param>
    public bool TryReclaim(ContainerTask container, ContainerTask waiting, SchedulingEffects effects)
    {
        lock (_gate)
        {
            if (_stopped || !IsIdleLocked(container) || WarmCountLocked() <= DesiredLocked())
            {
                return false;
            }

            container.ReclaimedFor = waiting;
            RequestShutdownLocked(container, effects);
            return true;
        }
    }

    // A container still waiting for GPUs keeps no one warm, so it does not count toward the floor reclaim respects.
    private int WarmCountLocked() => _containers.Count(c => c.IsActive && !c.AwaitingDevices);

    private static bool IsIdleLocked(ContainerTask container) =>
        container.IsActive && container.Phase == ContainerPhase.Ready && container.Assigned.Count == 0 && container.WebInFlight == 0;

    /// <summary>
    /// A cancelled input of a synchronous function that runs inputs concurrently cannot be stopped on its own (a .NET thread
    /// cannot be interrupted), so, as the reference says, its container is terminated and its other inputs rescheduled.
    /// </summary>
    private bool CancelTerminatesContainer => MaxConcurrentInputs > 1 && !Manifest.IsAsync;

    private bool HasStuckInputLocked(ContainerTask container, long nowMs)
    {
        var stuck = false;
        foreach (var input in container.Assigned.Values)
        {
            if (nowMs > input.DeadlineMs + _timeoutGraceMs)
            {
                input.TimedOutByServer = true;
                stuck = true;
            }
        }

        return stuck;
    }

    private void DispatchLocked(long nowMs, SchedulingEffects effects)
    {
        if (IsBatched)
        {
            DispatchBatchesLocked(nowMs, effects);
            return;
        }

        while (_pending.Count > 0)
        {
            var container = NextContainerLocked();
            if (container is null)
            {
                return;
            }

            var input = _pending.Dequeue();
            if (input.Status != InputStatus.Pending)
            {
                continue;
            }

            AssignLocked(container, input, nowMs);
            container.Credits--;
            RetireIfSpentLocked(container);
            container.Outbound!.Writer.TryWrite(new ContainerGetInputsResponse { Inputs = { input.ToContainerInput() } });
        }
    }

    /// <summary>
    /// [Batched]: a container credit takes a whole batch. A full batch goes at once; a partial one goes when WaitMs has
    /// passed since its first input arrived, and until then a wake-up is asked for at that moment.
    /// </summary>
    private void DispatchBatchesLocked(long nowMs, SchedulingEffects effects)
    {
        while (true)
        {
            while (_pending.Count > 0 && _pending.Peek().Status != InputStatus.Pending)
            {
                _pending.Dequeue();
            }

            if (_pending.Count == 0)
            {
                return;
            }

            var waiting = _pendingSync + _pendingSpawned;
            var dueMs = _pending.Peek().EnqueuedAtMs + _batchWaitMs;
            if (waiting < _maxBatchSize && nowMs < dueMs)
            {
                if (dueMs < _wakeDueMs)
                {
                    _wakeDueMs = dueMs;
                    effects.AddWake(this, dueMs);
                }

                return;
            }

            var container = NextContainerLocked();
            if (container is null)
            {
                return;
            }

            var batch = new ContainerGetInputsResponse();
            while (batch.Inputs.Count < _maxBatchSize && _pending.Count > 0)
            {
                var input = _pending.Dequeue();
                if (input.Status == InputStatus.Pending)
                {
                    AssignLocked(container, input, nowMs);
                    batch.Inputs.Add(input.ToContainerInput());
                }
            }

            container.Credits--;
            RetireIfSpentLocked(container);
            container.Outbound!.Writer.TryWrite(batch);
        }
    }

    private void AssignLocked(ContainerTask container, InputRecord input, long nowMs)
    {
        DecrementPendingLocked(input);
        _running++;
        input.Status = InputStatus.Running;
        input.Container = container;
        input.DeadlineMs = nowMs + TimeoutMs;
        container.Assigned[input.InputId] = input;
        container.Served++;
    }

    private void RetireIfSpentLocked(ContainerTask container)
    {
        if (MaxInputsPerContainer > 0 && container.Served >= MaxInputsPerContainer)
        {
            container.Retiring = true;
        }
    }

    private ContainerTask? NextContainerLocked()
    {
        var count = _containers.Count;
        for (var i = 0; i < count; i++)
        {
            var index = (_nextContainer + i) % count;
            var container = _containers[index];
            if (container.CanTakeInput)
            {
                // Round robin, so one container's spare credits do not starve the others of work.
                _nextContainer = (index + 1) % count;
                return container;
            }
        }

        return null;
    }

    private void ScaleUpLocked(long nowMs, SchedulingEffects effects)
    {
        if (_stopped || IsClassTemplate)
        {
            return;
        }

        if (InflightLocked() == 0 && nowMs < _startCooldownUntilMs)
        {
            // Containers just failed to start repeatedly; do not keep a crashing warm pool spinning without work.
            return;
        }

        var desired = DesiredLocked();
        var active = _containers.Count(c => c.IsActive);
        for (; active < desired; active++)
        {
            var container = new ContainerTask(IdGenerator.New("ta"), IdGenerator.NewToken(), this, nowMs);
            _containers.Add(container);
            effects.AddStart(container);
        }
    }

    // retryable: a worker's failure or timeout, or a lost container; successes, cancellations and terminations are final.
    private void SettleLocked(InputRecord input, FunctionResult result, bool retryable, SchedulingEffects effects)
    {
        var final = !retryable || input.CancelRequested || !Retry.ShouldRetry(input.RetryCount);
        if (final)
        {
            FinalizeLocked(input, result, effects);
            return;
        }

        var delay = Retry.DelayAfter(input.RetryCount);
        input.RetryCount++;
        input.Status = InputStatus.RetryWaiting;
        input.TimedOutByServer = false;
        input.CancelRequested = false;
        _waitingRetry.Add(input);
        effects.AddRetry(input, delay);
    }

    private static void FinalizeLocked(InputRecord input, FunctionResult result, SchedulingEffects effects)
    {
        input.Status = InputStatus.Done;
        input.Container = null;
        input.Call.Generator?.Complete();
        effects.AddFinal(input, result);
    }

    /// <summary>Puts a running input back at the head of the queue with its retry count unchanged.</summary>
    private void RescheduleLocked(InputRecord input, long nowMs)
    {
        input.Status = InputStatus.Pending;
        input.Container = null;
        input.TimedOutByServer = false;
        input.EnqueuedAtMs = nowMs;
        IncrementPendingLocked(input);
        _pending = new Queue<InputRecord>(_pending.Prepend(input));
    }

    // reschedule: the container was terminated on purpose (FunctionCallCancel) rather than lost, so its inputs that were
    // not cancelled go back to the queue without spending a retry.
    private void LoseLocked(ContainerTask container, string reason, long nowMs, SchedulingEffects effects, bool reschedule = false)
    {
        if (container.Phase == ContainerPhase.Exited)
        {
            return;
        }

        var connected = container.Phase == ContainerPhase.Ready;
        container.Phase = ContainerPhase.Exited;
        container.Credits = 0;
        container.Outbound?.Writer.TryComplete();
        _containers.Remove(container);
        if (!connected && !container.ShutdownRequested)
        {
            _startFailures++;
        }

        foreach (var input in container.Assigned.Values)
        {
            _running--;
            input.Container = null;
            if (input.CancelRequested)
            {
                FinalizeLocked(input, PlatformResults.Cancelled("The input was cancelled (FunctionCallCancel) before it finished."), effects);
            }
            else if (reschedule)
            {
                RescheduleLocked(input, nowMs);
            }
            else if (input.TimedOutByServer)
            {
                SettleLocked(input, PlatformResults.Timeout(
                    $"Function '{Name}' ran past its timeout of {Seconds(TimeoutMs)} on input {input.InputId} and its container " +
                    $"{container.TaskId} did not stop it, so the control plane stopped the container. Raise the function's Timeout if it needs longer."), retryable: true, effects);
            }
            else
            {
                SettleLocked(input, PlatformResults.Terminated(
                    $"The container {container.TaskId} running input {input.InputId} of function '{Name}' was lost ({reason}) before the input " +
                    $"finished, and the function has no retries left (maxRetries={Retry.MaxRetries}). Set Retries on the function to retry such inputs."), retryable: true, effects);
            }
        }

        container.Assigned.Clear();
        // Its forwarded requests fail at the gateway (the connection is gone); their slots are free now.
        _webRunning -= container.WebInFlight;
        container.WebInFlight = 0;

        if (_startFailures >= StartFailureLimit)
        {
            FailPendingLocked(
                $"Containers for function '{Name}' stopped {_startFailures} times in a row before connecting to the control plane " +
                $"(last: {reason}). The worker's output above says why; fix that and call the function again.", nowMs, effects);
        }

        DispatchLocked(nowMs, effects);
        ScaleUpLocked(nowMs, effects);
    }

    private void FailPendingLocked(string message, long nowMs, SchedulingEffects effects) =>
        FailPendingLocked(PlatformResults.InitFailure(message), nowMs, effects);

    private void FailPendingLocked(FunctionResult result, long nowMs, SchedulingEffects effects)
    {
        foreach (var input in _pending)
        {
            if (input.Status == InputStatus.Pending)
            {
                DecrementPendingLocked(input);
                FinalizeLocked(input, result, effects);
            }
        }

        _pending.Clear();
        FailWebWaitersLocked(result.Error?.Message ?? $"Containers of function '{Name}' failed to start.", retryElsewhere: false);
        _startFailures = 0;
        _startCooldownUntilMs = nowMs + (long)StartFailureCooldown.TotalMilliseconds;
    }

    private static void RequestShutdownLocked(ContainerTask container, SchedulingEffects effects)
    {
        if (container.ShutdownRequested || container.Phase == ContainerPhase.Exited)
        {
            return;
        }

        container.ShutdownRequested = true;
        container.Credits = 0;
        if (container.Outbound is { } outbound)
        {
            outbound.Writer.TryWrite(new ContainerGetInputsResponse { Shutdown = true });
            outbound.Writer.TryComplete();
        }

        effects.AddStop(container);
    }

    private void IncrementPendingLocked(InputRecord input)
    {
        if (input.IsSpawned)
        {
            _pendingSpawned++;
        }
        else
        {
            _pendingSync++;
        }
    }

    private void DecrementPendingLocked(InputRecord input)
    {
        if (input.IsSpawned)
        {
            _pendingSpawned--;
        }
        else
        {
            _pendingSync--;
        }
    }

    private void EnsureRunningLocked()
    {
        if (_stopped)
        {
            throw new NotFoundError(StoppedMessage());
        }
    }

    private static void EnsureLiveLocked(ContainerTask container)
    {
        if (container.Phase == ContainerPhase.Exited)
        {
            throw new AuthError($"Container {container.TaskId} was stopped by the control plane; it must exit.");
        }
    }

    private string StoppedMessage() =>
        $"The app '{App.Name}' ({App.AppId}) of function '{Name}' was stopped. Run or deploy the app again to call its functions.";

    private static ResourceExhaustedError Exhausted(string situation, int count) => new(
        $"{situation} The chunk of {N(count)} input(s) was refused whole and nothing from it was queued; inputs accepted earlier are unaffected. " +
        "Retry later, once the function has worked through its backlog.");

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Seconds(long milliseconds) => $"{(milliseconds / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)} s";
}
