namespace Modal.Scheduling;

/// <summary>Where a container task is in its life.</summary>
internal enum ContainerPhase
{
    /// <summary>Asked of the backend; has not said hello yet.</summary>
    Starting,

    /// <summary>Said hello; takes inputs once its stream is open and it has sent credits.</summary>
    Ready,

    /// <summary>Gone: exited, lost its stream, missed heartbeats, or was stopped.</summary>
    Exited,
}
