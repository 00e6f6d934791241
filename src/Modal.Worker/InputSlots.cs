namespace Modal.Worker;

/// <summary>
/// Decides which inputs run now and how many credits the container asks for. At most <see cref="Slots"/> inputs run at
/// once (the function's concurrency). When inputs are short, a few more are asked for ahead of time and wait here:
/// without that, every input of a fast function would pay a full round trip (credit up, input down) of idle time, and
/// outputs and credits could not be coalesced. The look-ahead is sized so that an input waits here for at most about
/// <see cref="PrefetchBudgetMicroseconds"/>, so slow functions (where another container could start the input sooner)
/// get none.
/// </summary>
internal sealed class InputSlots<T>
    where T : class
{
    internal const double PrefetchBudgetMicroseconds = 2_000;
    internal const int MaxPrefetch = 64;

    private const double DurationSmoothing = 0.1;

    private readonly object _gate = new();
    private readonly Queue<T> _waiting = new();
    private readonly int _maxInputs;
    private readonly bool _prefetch;
    private int _running;
    private int _held;
    private int _granted;
    private int _accepted;
    private double _averageMicroseconds = -1;
    private bool _closed;

    /// <param name="slots">Inputs that may run at once.</param>
    /// <param name="maxInputs">Inputs the container serves in its life; 0 for no limit.</param>
    /// <param name="prefetch">
    /// Whether to ask for inputs ahead of free slots. [Batched] containers do not: the server forms a batch when a credit
    /// arrives, and a batch asked for early would be formed before its inputs had a chance to gather.
    /// </param>
    public InputSlots(int slots, int maxInputs, bool prefetch = true)
    {
        Slots = Math.Max(1, slots);
        _maxInputs = Math.Max(0, maxInputs);
        _prefetch = prefetch;
    }

    public int Slots { get; }

    /// <summary>Inputs received and not yet finished: running or waiting for a slot.</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>True once the container has received every input max_inputs allows.</summary>
    public bool ReachedMaxInputs
    {
        get
        {
            lock (_gate)
            {
                return _maxInputs > 0 && _accepted >= _maxInputs;
            }
        }
    }

    /// <summary>How many inputs beyond the slots to ask for, given how long inputs have been taking.</summary>
    public int PrefetchTarget
    {
        get
        {
            lock (_gate)
            {
                return PrefetchTargetLocked();
            }
        }
    }

    /// <summary>Takes an arriving input: true when it may run now, false when it waits for a slot.</summary>
    public bool Accept(T input)
    {
        lock (_gate)
        {
            _held++;
            _accepted++;
            if (_running < Slots)
            {
                _running++;
                return true;
            }

            _waiting.Enqueue(input);
            return false;
        }
    }

    /// <summary>A running input finished (or was given up on); returns the waiting input that takes its slot, if any.</summary>
    public T? Complete(double durationMicroseconds)
    {
        lock (_gate)
        {
            _held--;
            _running--;
            _averageMicroseconds = _averageMicroseconds < 0
                ? durationMicroseconds
                : (_averageMicroseconds * (1 - DurationSmoothing)) + (durationMicroseconds * DurationSmoothing);
            if (_waiting.TryDequeue(out var next))
            {
                _running++;
                return next;
            }

            return null;
        }
    }

    /// <summary>The credits to send now, so that held inputs plus unanswered credits reach slots plus look-ahead.</summary>
    public int TakeCredits()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return 0;
            }

            var outstanding = Math.Max(0, _granted - _accepted);
            var wanted = Slots + PrefetchTargetLocked() - _held - outstanding;
            if (_maxInputs > 0)
            {
                wanted = Math.Min(wanted, _maxInputs - _granted);
            }

            if (wanted <= 0)
            {
                return 0;
            }

            _granted += wanted;
            return wanted;
        }
    }

    /// <summary>No more credits: the container is draining.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    private int PrefetchTargetLocked()
    {
        if (!_prefetch || _averageMicroseconds < 0)
        {
            return 0;
        }

        var target = PrefetchBudgetMicroseconds * Slots / Math.Max(_averageMicroseconds, 1);
        return (int)Math.Clamp(target, 0, MaxPrefetch);
    }
}
