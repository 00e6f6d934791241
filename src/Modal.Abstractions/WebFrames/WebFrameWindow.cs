namespace Modal.WebFrames;

/// <summary>The sending end's credit for one stream's body: starts at <see cref="WebFrame.Window"/>, grows with credit frames.</summary>
public sealed class WebFrameWindow
{
    private readonly Lock _lock = new();
    private int _available = WebFrame.Window;
    private Exception? _error;
    private TaskCompletionSource? _waiter;

    /// <summary>Reader loop: the receiver granted <paramref name="bytes"/> more.</summary>
    public void Add(int bytes)
    {
        if (bytes <= 0)
        {
            throw new WebFrameProtocolException($"a credit frame grants {bytes} bytes");
        }

        TaskCompletionSource? waiter;
        lock (_lock)
        {
            if ((long)_available + bytes > int.MaxValue)
            {
                throw new WebFrameProtocolException("credit grants overflow the stream's window");
            }

            _available += bytes;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Sending stops for good: waiting senders get <paramref name="error"/>.</summary>
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

    /// <summary>Takes between 1 and <paramref name="wanted"/> bytes of credit, waiting while there is none.</summary>
    public async ValueTask<int> TakeAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_error is not null)
                {
                    throw _error is OperationCanceledException ? new OperationCanceledException(_error.Message, _error) : new IOException(_error.Message, _error);
                }

                if (_available > 0)
                {
                    var taken = Math.Min(wanted, _available);
                    _available -= taken;
                    return taken;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
