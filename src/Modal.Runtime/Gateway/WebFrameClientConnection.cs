using System.Net.Sockets;
using Modal.WebFrames;

namespace Modal.Gateway;

/// <summary>The gateway's end of one web-frame connection to a container: opens streams and routes the container's frames to them.</summary>
internal sealed class WebFrameClientConnection(Socket socket) : WebFrameConnection(socket)
{
    private readonly Dictionary<uint, WebFrameClientStream> _streams = [];
    private readonly Lock _lock = new();
    private readonly List<WebFrameClientStream> _headsReceived = [];
    private uint _nextId;

    // The container's reader may block writing to this side, so this side's reader must never block writing to it.
    protected override bool WritesOnReader => false;

    /// <summary>Streams open now (the pool spreads requests by it).</summary>
    public int ActiveStreams
    {
        get
        {
            lock (_lock)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>A new stream, or null when the connection is closed.</summary>
    /// <param name="headTimeout">How long the stream waits for its response head before it fails.</param>
    public WebFrameClientStream? Open(TimeSpan headTimeout)
    {
        lock (_lock)
        {
            if (IsClosed)
            {
                return null;
            }

            var stream = new WebFrameClientStream(this, ++_nextId, Environment.TickCount64 + (long)headTimeout.TotalMilliseconds);
            _streams.Add(stream.Id, stream);
            return stream;
        }
    }

    public void Remove(WebFrameClientStream stream)
    {
        lock (_lock)
        {
            _streams.Remove(stream.Id);
        }
    }

    protected override void OnFrame(in WebFrameHeader header, ReadOnlySpan<byte> payload)
    {
        WebFrameClientStream? stream;
        lock (_lock)
        {
            _streams.TryGetValue(header.StreamId, out stream);
        }

        // Frames for a stream the gateway is done with (its client left) are late, not wrong.
        switch (header.Type)
        {
            case WebFrameType.ResponseHead:
                if (stream is not null)
                {
                    stream.OnResponseHead(payload, header.EndStream);
                    _headsReceived.Add(stream);
                }

                break;
            case WebFrameType.Data:
                stream?.ResponseBody.Append(payload, header.EndStream);
                break;
            case WebFrameType.Credit:
                stream?.Window.Add((int)Math.Min(WebFrame.ReadUInt32(payload), int.MaxValue));
                break;
            case WebFrameType.Reset:
                var reader = new WebFrameHeadReader(payload);
                var code = (WebFrameResetCode)reader.ReadUInt32();
                stream?.Fail($"the container reset the request ({code}: {reader.ReadString()})");
                break;
            default:
                throw new WebFrameProtocolException($"the gateway does not accept {header.Type} frames");
        }
    }

    protected override void OnFramesReceived()
    {
        foreach (var stream in _headsReceived)
        {
            stream.SignalHead();
        }

        _headsReceived.Clear();
    }

    /// <summary>Fails the streams whose response head is overdue (a handler that never answers).</summary>
    public void ExpireHeads(long now)
    {
        List<WebFrameClientStream>? overdue = null;
        lock (_lock)
        {
            foreach (var stream in _streams.Values)
            {
                if (!stream.HeadReceived && stream.HeadDeadline <= now)
                {
                    (overdue ??= []).Add(stream);
                }
            }
        }

        foreach (var stream in overdue ?? [])
        {
            stream.Expire();
        }
    }

    protected override void OnClosed(Exception? reason)
    {
        WebFrameClientStream[] streams;
        lock (_lock)
        {
            streams = [.. _streams.Values];
        }

        var why = reason is null ? "the container closed its web-frame connection" : $"the connection to the container broke ({reason.Message})";
        foreach (var stream in streams)
        {
            stream.Fail(why);
        }
    }
}
