namespace Modal.Scheduling;

/// <summary>
/// A gateway request waiting in its function's queue for a free slot on a container that accepts HTTP. It counts as a
/// pending input for the autoscaler until it gets a container, gives up, or fails.
/// </summary>
internal sealed class WebWaiter
{
    private readonly TaskCompletionSource<ContainerTask> _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the container, or faults with <see cref="WebUnavailableException"/>.</summary>
    public Task<ContainerTask> Assigned => _assigned.Task;

    /// <summary>Set under the function's lock once the waiter left the queue (assigned, failed or abandoned).</summary>
    public bool Done { get; private set; }

    public bool TryAssign(ContainerTask container)
    {
        if (Done)
        {
            return false;
        }

        Done = true;
        return _assigned.TrySetResult(container);
    }

    public void Fail(string message, bool retryElsewhere)
    {
        if (!Done)
        {
            Done = true;
            _assigned.TrySetException(new WebUnavailableException(message, retryElsewhere));
        }
    }

    /// <summary>The request gave up (timeout, client gone); false when it was assigned a container just before.</summary>
    public bool Abandon()
    {
        if (Done)
        {
            return false;
        }

        Done = true;
        _assigned.TrySetCanceled();
        return true;
    }
}
