using System.Net.Sockets;
using Modal.WebFrames;

namespace Modal.Gateway;

/// <summary>
/// The container's end of one web-frame connection from the gateway: each request head opens a stream, which runs
/// the application on the thread pool; data, credit and reset frames go to their stream.
/// </summary>
internal sealed class WebFrameServerConnection(Socket socket, IWebFrameDispatcher dispatcher, string id) : WebFrameConnection(socket)
{
    private readonly Dictionary<uint, WebFrameServerStream> _streams = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource? _drained;
    private List<WebFrameServerStream> _opened = [];
    private List<WebFrameServerStream>? _running;
    private int _runningNext;
    private bool _draining;

    public string Id { get; } = id;

    public IWebFrameDispatcher Dispatcher { get; } = dispatcher;

    // The container's reader runs requests and writes their responses itself; the gateway's reader never blocks writing.
    protected override bool WritesOnReader => true;

    protected override void OnFrame(in WebFrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Type == WebFrameType.RequestHead)
        {
            Open(header, payload);
            return;
        }

        WebFrameServerStream? stream;
        lock (_lock)
        {
            _streams.TryGetValue(header.StreamId, out stream);
        }

        // Frames of a stream that has ended here are late, not wrong: the gateway sent them before it learnt.
        switch (header.Type)
        {
            case WebFrameType.Data:
                stream?.OnRequestData(payload, header.EndStream);
                break;
            case WebFrameType.Credit:
                var credit = WebFrame.ReadUInt32(payload);
                stream?.Window.Add((int)Math.Min(credit, int.MaxValue));
                break;
            case WebFrameType.Reset:
                var reader = new WebFrameHeadReader(payload);
                reader.ReadUInt32();
                stream?.OnReset(reader.ReadString());
                break;
            default:
                throw new WebFrameProtocolException($"a container does not accept {header.Type} frames");
        }
    }

    private void Open(in WebFrameHeader header, ReadOnlySpan<byte> payload)
    {
        var stream = new WebFrameServerStream(this, header.StreamId, payload, header.EndStream);
        lock (_lock)
        {
            if (_draining)
            {
                stream = null;
            }
            else if (!_streams.TryAdd(header.StreamId, stream))
            {
                throw new WebFrameProtocolException($"stream {header.StreamId} opened twice");
            }
        }

        if (stream is null)
        {
            AppendReset(header.StreamId, WebFrameResetCode.Refused, "the container is stopping and takes no new requests", WebFrameServerStream.Scratch);
            Send();
            return;
        }

        _opened.Add(stream);
    }

    /// <summary>
    /// Runs the batch's new requests on the reader thread, each up to its first real wait, so a small response leaves
    /// with the batch's one write and no thread hop. A handler that blocks instead gets the reader replaced
    /// (<see cref="WebFrameConnection.HandOffIfStuck"/>); the requests after it in its batch then go to the thread pool.
    /// </summary>
    protected override void OnFramesReceived()
    {
        var batch = _opened;
        if (batch.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            _running = batch;
            _runningNext = 0;
        }

        while (true)
        {
            WebFrameServerStream next;
            lock (_lock)
            {
                if (_running != batch || _runningNext == batch.Count)
                {
                    _running = _running == batch ? null : _running;
                    break;
                }

                next = batch[_runningNext++];
            }

            ((IThreadPoolWorkItem)next).Execute();
        }

        batch.Clear();
    }

    /// <summary>The reader is replaced while a handler holds it: the rest of its batch goes to the thread pool.</summary>
    protected override void OnReaderHandedOff()
    {
        // The old reader keeps its batch's list; the new one collects into another.
        _opened = [];
        List<WebFrameServerStream>? rest = null;
        lock (_lock)
        {
            if (_running is { } batch)
            {
                rest = batch.GetRange(_runningNext, batch.Count - _runningNext);
                _running = null;
            }
        }

        foreach (var stream in rest ?? [])
        {
            ThreadPool.UnsafeQueueUserWorkItem(stream, preferLocal: false);
        }
    }

    /// <summary>A stream ended on both sides: forget it.</summary>
    public void Remove(WebFrameServerStream stream)
    {
        TaskCompletionSource? drained = null;
        lock (_lock)
        {
            _streams.Remove(stream.Id);
            if (_draining && _streams.Count == 0)
            {
                drained = _drained;
            }
        }

        drained?.TrySetResult();
    }

    /// <summary>Takes no new streams, waits for those in flight (until <paramref name="cancellationToken"/>, then aborts them), and closes.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task wait;
        lock (_lock)
        {
            _draining = true;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_streams.Count == 0)
            {
                _drained.TrySetResult();
            }

            wait = _drained.Task;
        }

        try
        {
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            ShutdownOutput();
            await Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Past the drain timeout: in-flight requests are aborted with the connection.
        }

        Abort();
    }

    protected override void OnClosed(Exception? reason)
    {
        WebFrameServerStream[] streams;
        lock (_lock)
        {
            streams = [.. _streams.Values];
        }

        foreach (var stream in streams)
        {
            stream.OnReset("the gateway's connection to the container closed");
        }
    }
}
