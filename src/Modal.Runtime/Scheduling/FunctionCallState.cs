using Google.Protobuf;
using Modal.Protocol;
using Modal.Storage;

namespace Modal.Scheduling;

/// <summary>
/// A function call (<c>fc-…</c>): its inputs and its final outputs in completion order. An output's entry id is its
/// 1-based position in that order; readers stream from a cursor and wait on a signal that every append completes, so a
/// waiting <c>FunctionGetOutputs</c> wakes the moment an output lands, with no polling.
/// </summary>
internal sealed class FunctionCallState
{
    private readonly object _gate = new();
    private readonly List<FunctionOutput> _outputs = [];
    private readonly List<InputRecord> _inputs = [];

    // Entry id of _outputs[0] minus one: non-zero for a call loaded from a cursor, or whose delivered outputs were released.
    private long _entryBase;
    private int _numInputs;
    private int _numCompleted;
    private bool _inputsComplete;
    private long? _completedAtMs;
    private TaskCompletionSource? _changed;

    /// <summary>A live call owned by <paramref name="function"/>.</summary>
    public FunctionCallState(
        string callId,
        FunctionRuntime function,
        FunctionCallType callType,
        FunctionCallInvocationType invocationType,
        long createdAtMs,
        string methodName = "")
    {
        MethodName = methodName;
        // A generator's items travel through their own buffer; its output only says how it ended.
        Generator = function.Manifest.IsGenerator ? new GeneratorBuffer() : null;
        CallId = callId;
        Function = function;
        FunctionId = function.FunctionId;
        CallType = callType;
        InvocationType = invocationType;
        CreatedAtMs = createdAtMs;
        IsLive = true;
        PersistGate = invocationType == FunctionCallInvocationType.Async ? new SemaphoreSlim(1, 1) : null;
    }

    /// <summary>A snapshot of a stored call holding its outputs after <paramref name="afterEntryId"/>; nothing will be appended.</summary>
    private FunctionCallState(StoredCall stored, long afterEntryId)
    {
        CallId = stored.CallId;
        FunctionId = stored.FunctionId;
        CallType = stored.CallType;
        InvocationType = stored.InvocationType;
        CreatedAtMs = stored.CreatedAtMs;
        _entryBase = afterEntryId;
        _numInputs = stored.NumInputs;
        _numCompleted = stored.NumCompleted;
        _inputsComplete = stored.InputsComplete;
        _completedAtMs = stored.CompletedAtMs;
    }

    public string CallId { get; }

    /// <summary>For a call to a [Cls] pool: the method every input runs; empty for a function.</summary>
    public string MethodName { get; } = "";

    /// <summary>For a generator call: the items between the container and the caller.</summary>
    public GeneratorBuffer? Generator { get; }

    /// <summary>The owning function; null for a snapshot loaded from the store.</summary>
    public FunctionRuntime? Function { get; }

    public string FunctionId { get; }

    public FunctionCallType CallType { get; }

    public FunctionCallInvocationType InvocationType { get; }

    public bool IsAsync => InvocationType == FunctionCallInvocationType.Async;

    public long CreatedAtMs { get; }

    /// <summary>False for a snapshot loaded from the store: its outputs are all there will be.</summary>
    public bool IsLive { get; }

    /// <summary>Serializes "persist, then publish" for spawned calls so stored entry ids match the order readers see.</summary>
    public SemaphoreSlim? PersistGate { get; }

    public bool Cancelled { get; private set; }

    public int NumInputs
    {
        get
        {
            lock (_gate)
            {
                return _numInputs;
            }
        }
    }

    public int NumCompleted
    {
        get
        {
            lock (_gate)
            {
                return _numCompleted;
            }
        }
    }

    public bool InputsComplete
    {
        get
        {
            lock (_gate)
            {
                return _inputsComplete;
            }
        }
    }

    public long? CompletedAtMs
    {
        get
        {
            lock (_gate)
            {
                return _completedAtMs;
            }
        }
    }

    public bool IsComplete
    {
        get
        {
            lock (_gate)
            {
                return _completedAtMs is not null;
            }
        }
    }

    public static FunctionCallState FromStore(StoredCall stored, IReadOnlyList<StoredOutput> outputs, long afterEntryId)
    {
        var state = new FunctionCallState(stored, afterEntryId);
        foreach (var output in outputs)
        {
            state._outputs.Add(ToOutput(output));
        }

        return state;
    }

    /// <summary>Reloads outputs that were stored before a restart into a live call.</summary>
    public void RestoreOutputs(IReadOnlyList<StoredOutput> outputs, int numInputs, bool inputsComplete)
    {
        lock (_gate)
        {
            foreach (var output in outputs)
            {
                _outputs.Add(ToOutput(output));
            }

            _numCompleted = outputs.Count;
            _numInputs = numInputs;
            _inputsComplete = inputsComplete;
        }
    }

    public void TrackRestoredInputs(IReadOnlyList<InputRecord> inputs)
    {
        lock (_gate)
        {
            _inputs.AddRange(inputs);
        }
    }

    /// <summary>Refuses new inputs when the call no longer takes them.</summary>
    public void EnsureAcceptsInputs()
    {
        lock (_gate)
        {
            if (_inputsComplete)
            {
                throw new InvalidError($"Function call {CallId} already received its last inputs (inputs_complete was set); start a new call for more inputs.");
            }

            if (Cancelled)
            {
                throw new InvalidError($"Function call {CallId} was cancelled; start a new call for more inputs.");
            }
        }
    }

    /// <summary>The call's summary as it will be once <paramref name="addedInputs"/> more inputs are added.</summary>
    public StoredCall ToStored(int addedInputs = 0, bool? inputsComplete = null)
    {
        lock (_gate)
        {
            return new StoredCall
            {
                CallId = CallId,
                FunctionId = FunctionId,
                CallType = CallType,
                InvocationType = InvocationType,
                NumInputs = _numInputs + addedInputs,
                NumCompleted = _numCompleted,
                InputsComplete = inputsComplete ?? _inputsComplete,
                CreatedAtMs = CreatedAtMs,
                CompletedAtMs = _completedAtMs,
            };
        }
    }

    /// <summary>Adds accepted inputs. Returns true when this made the call complete (a last, empty chunk).</summary>
    public bool AddInputs(IReadOnlyList<InputRecord> inputs, bool inputsComplete, long nowMs)
    {
        lock (_gate)
        {
            _inputs.AddRange(inputs);
            _numInputs += inputs.Count;
            _inputsComplete |= inputsComplete;
            return CheckCompleteLocked(nowMs);
        }
    }

    /// <summary>
    /// Marks that no more inputs come (app stopped, restart recovery). Returns true when this made the call complete.
    /// </summary>
    public bool CloseInputs(long nowMs)
    {
        lock (_gate)
        {
            _inputsComplete = true;
            return CheckCompleteLocked(nowMs);
        }
    }

    public void MarkCancelled()
    {
        lock (_gate)
        {
            Cancelled = true;
        }
    }

    public List<InputRecord> SnapshotInputs()
    {
        lock (_gate)
        {
            return [.. _inputs];
        }
    }

    /// <summary>
    /// The stored form of <paramref name="outputs"/> with the entry ids they will get, and the call's summary once they are
    /// appended. Callers hold <see cref="PersistGate"/> until <see cref="Append"/>, so the ids stay right.
    /// </summary>
    public (List<StoredOutput> Outputs, StoredCall Call) PrepareStore(IReadOnlyList<FunctionOutput> outputs, long nowMs)
    {
        lock (_gate)
        {
            var next = _entryBase + _outputs.Count;
            var stored = new List<StoredOutput>(outputs.Count);
            foreach (var output in outputs)
            {
                stored.Add(new StoredOutput
                {
                    CallId = CallId,
                    EntryId = ++next,
                    InputId = output.InputId,
                    Idx = output.Idx,
                    RetryCount = output.RetryCount,
                    Result = output.Result.ToByteArray(),
                });
            }

            var completed = _numCompleted + outputs.Count;
            var willComplete = _inputsComplete && completed >= _numInputs;
            var call = new StoredCall
            {
                CallId = CallId,
                FunctionId = FunctionId,
                CallType = CallType,
                InvocationType = InvocationType,
                NumInputs = _numInputs,
                NumCompleted = completed,
                InputsComplete = _inputsComplete,
                CreatedAtMs = CreatedAtMs,
                CompletedAtMs = _completedAtMs ?? (willComplete ? nowMs : null),
            };
            return (stored, call);
        }
    }

    /// <summary>Appends final outputs and wakes readers. Returns true when this made the call complete.</summary>
    public bool Append(IReadOnlyList<FunctionOutput> outputs, long nowMs)
    {
        TaskCompletionSource? changed;
        bool completedNow;
        lock (_gate)
        {
            _outputs.AddRange(outputs);
            _numCompleted += outputs.Count;
            completedNow = CheckCompleteLocked(nowMs, signal: false);
            changed = _changed;
            _changed = null;
        }

        changed?.TrySetResult();
        return completedNow;
    }

    /// <summary>
    /// Copies outputs after <paramref name="cursor"/> into <paramref name="into"/>, up to about <paramref name="maxBytes"/>
    /// (always at least one). When there is nothing new and the call is not complete, the result carries a task that
    /// completes on the next change.
    /// </summary>
    public OutputRead Read(long cursor, List<FunctionOutput> into, int maxBytes)
    {
        lock (_gate)
        {
            if (cursor < _entryBase)
            {
                throw new InvalidError(
                    $"The outputs of function call {CallId} up to entry {_entryBase} were already delivered and released (clear_on_success); " +
                    $"resume from last_entry_id {_entryBase} or later.");
            }

            var end = _entryBase + _outputs.Count;
            var position = cursor;
            var bytes = 0;
            while (position < end)
            {
                var output = _outputs[(int)(position - _entryBase)];
                var size = output.CalculateSize();
                if (into.Count > 0 && bytes + size > maxBytes)
                {
                    break;
                }

                into.Add(output);
                bytes += size;
                position++;
            }

            var complete = _completedAtMs is not null && position == end;
            Task? changed = null;
            if (into.Count == 0 && !complete && IsLive)
            {
                _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed = _changed.Task;
            }

            return new OutputRead(Math.Max(position, cursor), complete, _numInputs, changed);
        }
    }

    /// <summary>Drops outputs up to <paramref name="cursor"/> once a reader asked to clear them on success.</summary>
    public void ReleaseOutputs(long cursor)
    {
        lock (_gate)
        {
            var count = (int)Math.Clamp(cursor - _entryBase, 0, _outputs.Count);
            _outputs.RemoveRange(0, count);
            _entryBase += count;
            if (_completedAtMs is not null)
            {
                _inputs.Clear();
            }
        }
    }

    private bool CheckCompleteLocked(long nowMs, bool signal = true)
    {
        if (_completedAtMs is not null || !_inputsComplete || _numCompleted < _numInputs)
        {
            return false;
        }

        _completedAtMs = nowMs;
        if (signal)
        {
            var changed = _changed;
            _changed = null;
            changed?.TrySetResult();
        }

        return true;
    }

    private static FunctionOutput ToOutput(StoredOutput output) => new()
    {
        InputId = output.InputId,
        Idx = output.Idx,
        RetryCount = output.RetryCount,
        Result = FunctionResult.Parser.ParseFrom(output.Result),
    };
}
