namespace Modal.WebFrames;

/// <summary>What a web frame carries; see <see cref="WebFrame"/> for the layout of each.</summary>
public enum WebFrameType : byte
{
    /// <summary>Gateway to container: method, path, query, protocol and headers of a new stream's request.</summary>
    RequestHead = 1,

    /// <summary>Either way: body bytes of the stream's request (to the container) or response (to the gateway).</summary>
    Data = 2,

    /// <summary>Container to gateway: status and headers of the stream's response.</summary>
    ResponseHead = 3,

    /// <summary>Either way: the stream ends abnormally (the client went away, the handler failed); a code and a message.</summary>
    Reset = 4,

    /// <summary>Either way: the receiver consumed this many more body bytes of the stream, so the sender may send as many.</summary>
    Credit = 5,
}
