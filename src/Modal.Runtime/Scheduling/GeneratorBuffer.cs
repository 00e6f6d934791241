using Google.Protobuf;
using Modal.Protocol;

namespace Modal.Scheduling;

/// <summary>
/// The items of one generator call (remote_gen) between the container that yields them and the caller that reads them.
/// The container may run at most <see cref="WindowItems"/> items (or about <see cref="WindowBytes"/>) ahead of what the
/// caller has acknowledged; past that its put waits, which holds the user's generator at its <c>yield</c>. A caller
/// acknowledges items by asking for the next index, so the window moves only as fast as the caller consumes.
/// </summary>
internal sealed class GeneratorBuffer
{
    public const int WindowItems = 64;
    public const int WindowBytes = 8 * 1024 * 1024;

    private readonly object _gate = new();
    private readonly List<GeneratorItem> _items = [];

    // Index of _items[0]; everything before it was acknowledged and released.
    private long _base;
    private long _bytes;
    private bool _done;
    private bool _stopped;
    private TaskCompletionSource? _itemsChanged;
    private TaskCompletionSource? _roomChanged;

    /// <summary>Index of the next item the producer has to send.</summary>
    public long NextIndex
    {
        get
        {
            lock (_gate)
            {
                return _base + _items.Count;
            }
        }
    }

    /// <summary>
    /// Appends items once there is room. Items the buffer already has (a resent request) are skipped. Returns false when
    /// the reader is gone or the call ended, and the producer should stop.
    /// </summary>
    public async Task<bool> PutAsync(IReadOnlyList<GeneratorItem> items, CancellationToken cancellationToken)
    {
        var position = 0;
        while (position < items.Count)
        {
            Task room;
            lock (_gate)
            {
                if (_stopped || _done)
                {
                    return false;
                }

                while (position < items.Count && HasRoomLocked())
                {
                    var item = items[position++];
                    var expected = _base + _items.Count;
                    if (item.Index < expected)
                    {
                        continue;
                    }

                    if (item.Index > expected)
                    {
                        throw new InvalidError($"Generator item {item.Index} arrived before item {expected}; a container sends the items of an input in order.");
                    }

                    _items.Add(item);
                    _bytes += item.CalculateSize();
                }

                SignalLocked(ref _itemsChanged);
                if (position >= items.Count)
                {
                    return true;
                }

                _roomChanged ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _roomChanged.Task;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Releases every item before <paramref name="nextIndex"/>, then returns the items from it on, waiting up to
    /// <paramref name="maxWait"/> for one to arrive. <c>Done</c> is true once the function ended and nothing is left.
    /// </summary>
    public async Task<(List<GeneratorItem> Items, bool Done)> TakeAsync(long nextIndex, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(maxWait);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (nextIndex < _base)
                {
                    throw new InvalidError($"Generator items before index {_base} were already acknowledged and released; ask for index {_base} or later.");
                }

                var release = (int)Math.Min(nextIndex - _base, _items.Count);
                if (release > 0)
                {
                    for (var i = 0; i < release; i++)
                    {
                        _bytes -= _items[i].CalculateSize();
                    }

                    _items.RemoveRange(0, release);
                    _base += release;
                    SignalLocked(ref _roomChanged);
                }

                var available = _items.Skip((int)(nextIndex - _base)).ToList();
                if (available.Count > 0 || _done || _stopped)
                {
                    // The end is reported on its own, after the last items, so a reader never misses one.
                    return (available, available.Count == 0);
                }

                _itemsChanged ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed = _itemsChanged.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ([], false);
            }
        }
    }

    /// <summary>The function returned or failed: no more items come, and a reader reaching the end is told so.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _done = true;
            SignalLocked(ref _itemsChanged);
            SignalLocked(ref _roomChanged);
        }
    }

    /// <summary>The caller is gone or cancelled: a waiting producer is released and told to stop.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            _items.Clear();
            _bytes = 0;
            SignalLocked(ref _itemsChanged);
            SignalLocked(ref _roomChanged);
        }
    }

    private bool HasRoomLocked() => _items.Count < WindowItems && (_items.Count == 0 || _bytes < WindowBytes);

    private static void SignalLocked(ref TaskCompletionSource? signal)
    {
        var waiting = signal;
        signal = null;
        waiting?.TrySetResult();
    }
}
