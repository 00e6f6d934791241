using Modal.WebFrames;

namespace Modal.Gateway;

/// <summary>The gateway's end of one stream: the response head it awaits, the response body it reads, the credit for the request body.</summary>
internal sealed class WebFrameClientStream
{
    // Completed on the reader loop once the batch that carried the head is handled (its body frames with it), and its
    // continuation runs there: the forwarder only copies to Kestrel, which never blocks the loop for long.
    private readonly TaskCompletionSource _head = new();
    private bool _headReceived;

    public WebFrameClientStream(WebFrameClientConnection connection, uint id, long headDeadline)
    {
        Connection = connection;
        Id = id;
        HeadDeadline = headDeadline;
        ResponseBody = new WebFrameInbound(bytes =>
        {
            if (Connection.AppendCredit(Id, bytes))
            {
                Connection.Send();
            }
        });
    }

    public WebFrameClientConnection Connection { get; }

    public uint Id { get; }

    /// <summary>Credit for the request body.</summary>
    public WebFrameWindow Window { get; } = new();

    public WebFrameInbound ResponseBody { get; }

    public int Status { get; private set; }

    /// <summary>Response header name/value pairs, a name repeated for several values.</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>Completes when the response head arrived; fails when the stream was reset or the connection lost first.</summary>
    public Task ResponseHead => _head.Task;

    /// <summary>When (<see cref="Environment.TickCount64"/>) the stream fails if no response head came.</summary>
    public long HeadDeadline { get; }

    public bool HeadReceived => Volatile.Read(ref _headReceived);

    /// <summary>Why the stream ended abnormally; null while it has not.</summary>
    public string? Failure { get; private set; }

    public void OnResponseHead(ReadOnlySpan<byte> payload, bool end)
    {
        var reader = new WebFrameHeadReader(payload);
        Status = reader.ReadUInt16();
        var count = reader.ReadUInt16();
        for (var i = 0; i < count; i++)
        {
            Headers.Add(new(reader.ReadString(), reader.ReadString()));
        }

        if (end)
        {
            ResponseBody.Append([], end: true);
        }

        Volatile.Write(ref _headReceived, true);
    }

    /// <summary>Reader loop, after the batch with the head: the forwarder goes on.</summary>
    public void SignalHead() => _head.TrySetResult();

    /// <summary>The gateway's client went away: the container's handler sees RequestAborted.</summary>
    public void Cancel() => CancelOnContainer("the client went away", "the client went away");

    /// <summary>No response head in time: the container's handler is cancelled and the gateway answers 502.</summary>
    public void Expire() => CancelOnContainer("the gateway gave up waiting for the response", "no response head within the function's timeout");

    /// <summary>Resets the stream on the container (its handler's RequestAborted fires) and fails it here, once.</summary>
    private void CancelOnContainer(string resetMessage, string failure)
    {
        if (Failure is not null)
        {
            return;
        }

        if (Connection.AppendReset(Id, WebFrameResetCode.Cancelled, resetMessage, Scratch))
        {
            Connection.Send();
        }

        Fail(failure);
    }

    [ThreadStatic]
    private static WebFrameHeadWriter? t_scratch;

    /// <summary>A head writer for the calling thread.</summary>
    internal static WebFrameHeadWriter Scratch => t_scratch ??= new WebFrameHeadWriter();

    /// <summary>The container reset the stream, or the connection is gone: whoever waits learns <paramref name="why"/>.</summary>
    public void Fail(string why)
    {
        Failure ??= why;
        var error = new IOException(why);
        ResponseBody.Fail(error);
        Window.Fail(error);
        if (HeadReceived)
        {
            // The response started: the forwarder sends what came of it, then learns of the failure from the body.
            _head.TrySetResult();
        }
        else
        {
            _head.TrySetException(error);
        }
    }
}
