namespace Modal.WebFrames;

/// <summary>Why a stream was reset.</summary>
public enum WebFrameResetCode : uint
{
    /// <summary>The gateway's client went away; the handler's RequestAborted fires.</summary>
    Cancelled = 1,

    /// <summary>The handler failed after its response started (or aborted it); the gateway aborts the client's response.</summary>
    HandlerFailed = 2,

    /// <summary>The container is stopping and takes no new request.</summary>
    Refused = 3,

    /// <summary>The peer broke the protocol on this stream (a body beyond its credit, a malformed head).</summary>
    ProtocolError = 4,
}
