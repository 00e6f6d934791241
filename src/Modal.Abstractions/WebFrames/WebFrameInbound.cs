namespace Modal.WebFrames;

/// <summary>
/// The receiving end of one stream's body: the reader loop appends data frames into a ring of <see cref="WebFrame.Window"/>
/// bytes (a sender that exceeds its credit breaks the protocol), and one consumer reads them out. Consumed bytes come
/// back to the sender as credit through <c>grant</c> once they reach <see cref="WebFrame.CreditThreshold"/>.
/// </summary>
/// <param name="grant">Sends a credit frame for this many bytes; not called after the body ended.</param>
public sealed class WebFrameInbound(Action<int> grant)
{
    private readonly Lock _lock = new();
    private byte[]? _ring;
    private int _head;
    private int _count;
    private int _consumed;
    private bool _ended;
    private Exception? _error;
    private TaskCompletionSource? _waiter;

    /// <summary>Whether bytes are buffered now (a consumer that forwards them flushes when none are left).</summary>
    public bool HasBuffered
    {
        get
        {
            lock (_lock)
            {
                return _count > 0;
            }
        }
    }

    /// <summary>Whether the body ended (its last bytes may still be buffered).</summary>
    public bool Ended
    {
        get
        {
            lock (_lock)
            {
                return _ended;
            }
        }
    }

    /// <summary>Reader loop: buffers a data frame's payload; <paramref name="end"/> when it is the last.</summary>
    public void Append(ReadOnlySpan<byte> data, bool end)
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            if (_ended || _error is not null)
            {
                // Late frames of a stream its consumer gave up on; the sender learns of it by a reset.
                return;
            }

            if (data.Length > WebFrame.Window - _count)
            {
                throw new WebFrameProtocolException($"a stream's body exceeds its credit ({_count + data.Length} bytes in flight, window {WebFrame.Window})");
            }

            if (data.Length > 0)
            {
                _ring ??= System.Buffers.ArrayPool<byte>.Shared.Rent(WebFrame.Window);
                var tail = (_head + _count) % WebFrame.Window;
                var first = Math.Min(data.Length, WebFrame.Window - tail);
                data[..first].CopyTo(_ring.AsSpan(tail));
                data[first..].CopyTo(_ring);
                _count += data.Length;
            }

            _ended |= end;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>The body will not complete: readers get <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _error ??= error;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Copies buffered bytes into <paramref name="destination"/>, waiting for some; 0 at the end of the body.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_count > 0)
                {
                    return Take(destination.Span);
                }

                if (_error is not null)
                {
                    throw _error is OperationCanceledException ? new OperationCanceledException(_error.Message, _error) : new IOException(_error.Message, _error);
                }

                if (_ended)
                {
                    ReturnRing();
                    return 0;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private int Take(Span<byte> destination)
    {
        var taken = Math.Min(destination.Length, _count);
        var first = Math.Min(taken, WebFrame.Window - _head);
        _ring.AsSpan(_head, first).CopyTo(destination);
        _ring.AsSpan(0, taken - first).CopyTo(destination[first..]);
        _head = (_head + taken) % WebFrame.Window;
        _count -= taken;
        _consumed += taken;
        if (_count == 0)
        {
            _head = 0;
        }

        if (_consumed >= WebFrame.CreditThreshold && !_ended)
        {
            var credit = _consumed;
            _consumed = 0;
            grant(credit);
        }

        return taken;
    }

    /// <summary>Gives the buffer back once nothing more can arrive or be read.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _error ??= new ObjectDisposedException(nameof(WebFrameInbound));
            ReturnRing();
        }
    }

    private void ReturnRing()
    {
        if (_ring is { } ring && _count == 0)
        {
            _ring = null;
            System.Buffers.ArrayPool<byte>.Shared.Return(ring);
        }
    }
}
