namespace Modal.Scheduling;

/// <summary>Where an input is in its life.</summary>
internal enum InputStatus
{
    /// <summary>Queued, waiting for a container with a free slot.</summary>
    Pending,

    /// <summary>Sent to a container.</summary>
    Running,

    /// <summary>Failed and waiting out its retry backoff.</summary>
    RetryWaiting,

    /// <summary>Has its final output (success, final failure, cancellation or termination).</summary>
    Done,
}
