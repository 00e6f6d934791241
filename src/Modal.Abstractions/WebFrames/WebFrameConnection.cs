using System.Buffers;
using System.Net.Sockets;

namespace Modal.WebFrames;

/// <summary>
/// One web-frame connection over a blocking socket: a reader thread that parses every complete frame of each receive
/// and hands it to <see cref="OnFrame"/>, and a coalescing writer. Senders append frames to one pending buffer and ask
/// for a drain; one drain at a time writes all that is pending in one system call, so frames that other streams append
/// while a write is under way (or that a batch of received frames produces) leave together. The socket never enters
/// .NET's async socket engine: a blocked receive is woken by the kernel directly, with no hop through its event thread
/// and the thread pool per batch.
/// </summary>
public abstract class WebFrameConnection : IThreadPoolWorkItem
{
    private const int ReceiveBufferBytes = 64 * 1024;

    // The connection whose received frames this thread is handling: its sends wait for the end of the batch.
    [ThreadStatic]
    private static WebFrameConnection? t_batching;

    // Set on reader threads that must never block writing (WritesOnReader false), whatever connection they write to:
    // a reader blocked writing to another connection's peer could close a cycle of full buffers across containers.
    [ThreadStatic]
    private static bool t_mustNotBlock;

    private readonly Socket _socket;
    private readonly Lock _writeLock = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _readerLock = new();
    private byte[] _receiveBuffer = new byte[ReceiveBufferBytes];
    private int _receiveStart;
    private int _receiveEnd;
    private bool _prefaceSeen;
    private int _readerGeneration;
    private long _callbackSince;
    private byte[] _pending = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private byte[] _sending = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _pendingLength;
    private bool _drainQueued;
    private bool _shutdownAfterDrain;
    private int _aborted;

    protected WebFrameConnection(Socket socket)
    {
        _socket = socket;
        _socket.Blocking = true;
        AppendRaw(WebFrame.Preface);
    }

    /// <summary>Completes when the connection is closed, whichever side closed it.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Why the connection closed: null for an orderly end of the peer's stream or <see cref="Abort"/> without a reason.</summary>
    public Exception? CloseReason { get; private set; }

    public bool IsClosed => Volatile.Read(ref _aborted) != 0;

    /// <summary>
    /// Runs the reader loop on a thread of its own until the connection closes; the preface goes out first. A dedicated
    /// thread blocked in a receive is woken by the kernel itself when frames arrive, where an async receive costs a hop
    /// through the socket engine's thread and a pool thread (which then spins for more work) for every batch.
    /// The socket must be in blocking mode (no async operation ever ran on it).
    /// </summary>
    public Task RunAsync()
    {
        Send();
        StartReader();
        return _finished.Task;
    }

    private void StartReader()
    {
        int generation;
        lock (_readerLock)
        {
            generation = ++_readerGeneration;
        }

        var thread = new Thread(() => ReadLoop(generation))
        {
            IsBackground = true,
            Name = "Modal web frames",
        };
        thread.UnsafeStart();
    }

    /// <summary>
    /// When the reader has been inside <see cref="OnFramesReceived"/> (running handlers inline) for
    /// <paramref name="thresholdMs"/> or more, a new reader thread takes over the socket, so a handler that blocks its
    /// thread holds up no later request; the old thread finishes its handler and ends (<see cref="OnReaderHandedOff"/>).
    /// </summary>
    public bool HandOffIfStuck(long now, long thresholdMs)
    {
        lock (_readerLock)
        {
            if (_callbackSince == 0 || now - _callbackSince < thresholdMs || IsClosed)
            {
                return false;
            }

            _callbackSince = 0;
            OnReaderHandedOff();
        }

        StartReader();
        return true;
    }

    /// <summary>Called (under the reader lock) as a new reader takes over: state the old batch still uses must be its own from here on.</summary>
    protected virtual void OnReaderHandedOff()
    {
    }

    private void ReadLoop(int generation)
    {
        t_mustNotBlock = !WritesOnReader;
        Exception? reason = null;
        try
        {
            while (true)
            {
                if (_receiveEnd == _receiveBuffer.Length)
                {
                    MakeRoom(_receiveBuffer.Length - _receiveStart + 1);
                }

                var received = _socket.Receive(_receiveBuffer.AsSpan(_receiveEnd), SocketFlags.None);
                if (received == 0)
                {
                    break;
                }

                _receiveEnd += received;
                if (!_prefaceSeen)
                {
                    if (_receiveEnd - _receiveStart < WebFrame.Preface.Length)
                    {
                        continue;
                    }

                    if (!_receiveBuffer.AsSpan(_receiveStart, WebFrame.Preface.Length).SequenceEqual(WebFrame.Preface))
                    {
                        throw new WebFrameProtocolException("the peer does not speak modal-web-frames/1 (its first bytes are not the preface)");
                    }

                    _receiveStart += WebFrame.Preface.Length;
                    _prefaceSeen = true;
                }

                t_batching = this;
                while (_receiveEnd - _receiveStart >= WebFrameHeader.Size)
                {
                    var header = WebFrameHeader.Read(_receiveBuffer.AsSpan(_receiveStart));
                    var frameBytes = WebFrameHeader.Size + header.Length;
                    if (_receiveEnd - _receiveStart < frameBytes)
                    {
                        if (_receiveBuffer.Length - _receiveStart < frameBytes)
                        {
                            MakeRoom(frameBytes);
                        }

                        break;
                    }

                    OnFrame(header, _receiveBuffer.AsSpan(_receiveStart + WebFrameHeader.Size, header.Length));
                    _receiveStart += frameBytes;
                }

                if (_receiveStart == _receiveEnd)
                {
                    _receiveStart = _receiveEnd = 0;
                }

                lock (_readerLock)
                {
                    _callbackSince = Environment.TickCount64;
                }

                OnFramesReceived();
                t_batching = null;
                lock (_readerLock)
                {
                    if (generation != _readerGeneration)
                    {
                        // Another thread reads now; what this batch produced goes out here, and this thread ends.
                        Send();
                        return;
                    }

                    _callbackSince = 0;
                }

                // What the batch produced leaves in one write.
                if (BeginDrain())
                {
                    if (WritesOnReader)
                    {
                        Drain();
                    }
                    else
                    {
                        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            reason = ex;
        }
        finally
        {
            t_batching = null;
        }

        // An end of the peer's stream is orderly: streams still open learn that the peer closed.
        Abort(reason);
        _finished.TrySetResult();
    }

    /// <summary>Moves the unread bytes to the front of a receive buffer that holds at least <paramref name="needed"/> of them.</summary>
    private void MakeRoom(int needed)
    {
        var buffer = _receiveBuffer;
        var target = buffer.Length >= needed ? buffer : new byte[Math.Max(needed, buffer.Length * 2)];
        buffer.AsSpan(_receiveStart, _receiveEnd - _receiveStart).CopyTo(target);
        _receiveEnd -= _receiveStart;
        _receiveStart = 0;
        _receiveBuffer = target;
    }

    /// <summary>Handles one frame on the reader loop: must not block; a <see cref="WebFrameProtocolException"/> breaks the connection.</summary>
    protected abstract void OnFrame(in WebFrameHeader header, ReadOnlySpan<byte> payload);

    /// <summary>
    /// Whether the reader loop itself writes what a batch produced, blocking while the peer's buffer is full. At most one
    /// side of a connection may: two readers blocked writing to each other would never read again.
    /// </summary>
    protected abstract bool WritesOnReader { get; }

    /// <summary>Called on the reader loop after the frames of one receive were handled (a batch, for work best done once per batch).</summary>
    protected virtual void OnFramesReceived()
    {
    }

    /// <summary>Called once when the connection closes, to fail its streams; <paramref name="reason"/> as <see cref="CloseReason"/>.</summary>
    protected abstract void OnClosed(Exception? reason);

    /// <summary>Appends a frame to the pending output; <see cref="Send"/> (or the next drain) writes it. False once closed.</summary>
    public bool Append(WebFrameType type, WebFrameFlags flags, uint streamId, ReadOnlySpan<byte> payload)
    {
        lock (_writeLock)
        {
            if (IsClosed)
            {
                return false;
            }

            var span = Reserve(WebFrameHeader.Size + payload.Length);
            new WebFrameHeader(payload.Length, streamId, type, flags).Write(span);
            payload.CopyTo(span[WebFrameHeader.Size..]);
            return true;
        }
    }

    /// <summary>Appends a reset frame for <paramref name="streamId"/>.</summary>
    public bool AppendReset(uint streamId, WebFrameResetCode code, string message, WebFrameHeadWriter scratch)
    {
        scratch.Reset();
        scratch.WriteUInt32((uint)code);
        scratch.WriteString(message);
        return Append(WebFrameType.Reset, WebFrameFlags.None, streamId, scratch.Written);
    }

    /// <summary>Appends a credit frame granting <paramref name="bytes"/> more for <paramref name="streamId"/>.</summary>
    public bool AppendCredit(uint streamId, int bytes)
    {
        Span<byte> payload = stackalloc byte[4];
        WebFrame.WriteUInt32(payload, (uint)bytes);
        return Append(WebFrameType.Credit, WebFrameFlags.None, streamId, payload);
    }

    private void AppendRaw(ReadOnlySpan<byte> bytes)
    {
        lock (_writeLock)
        {
            bytes.CopyTo(Reserve(bytes.Length));
        }
    }

    private Span<byte> Reserve(int bytes) => PooledBytes.Append(ref _pending, ref _pendingLength, bytes);

    /// <summary>
    /// Writes the pending output unless a write is under way (which then takes it along). On the reader loop, handling
    /// received frames, the write waits for the end of the batch, so all the batch produced leaves in one system call.
    /// On the side whose reader writes (the container), other threads write at once, with no thread hop. On the other
    /// side (the gateway) the write is queued to the calling thread's local pool queue: it runs once the caller's work
    /// yields, so the request heads of the client requests that thread is serving leave together, and the container's
    /// reader wakes once for them rather than once each (each wake-up of it preempted the gateway on a small machine).
    /// </summary>
    public void Send()
    {
        if (t_batching == this || !BeginDrain())
        {
            return;
        }

        if (t_mustNotBlock || !WritesOnReader)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            return;
        }

        Drain();
    }

    private bool BeginDrain()
    {
        lock (_writeLock)
        {
            if (_drainQueued || _pendingLength == 0 || IsClosed)
            {
                return false;
            }

            _drainQueued = true;
            return true;
        }
    }

    void IThreadPoolWorkItem.Execute() => Drain();

    /// <summary>Writes what is pending, and what others append meanwhile, until nothing is; blocks while the peer's buffer is full.</summary>
    private void Drain()
    {
        try
        {
            while (true)
            {
                int length;
                lock (_writeLock)
                {
                    if (_pendingLength == 0 || IsClosed)
                    {
                        _drainQueued = false;
                        if (_shutdownAfterDrain && !IsClosed)
                        {
                            ShutdownSend();
                        }

                        return;
                    }

                    (_pending, _sending) = (_sending, _pending);
                    length = _pendingLength;
                    _pendingLength = 0;
                }

                var remaining = _sending.AsSpan(0, length);
                while (!remaining.IsEmpty)
                {
                    remaining = remaining[_socket.Send(remaining, SocketFlags.None)..];
                }
            }
        }
        catch (Exception ex)
        {
            lock (_writeLock)
            {
                _drainQueued = false;
            }

            Abort(ex);
        }
    }

    /// <summary>
    /// Ends this side's output once what is pending is written (an orderly close): the peer reads the end and closes its
    /// side, which ends this side's reader loop.
    /// </summary>
    public void ShutdownOutput()
    {
        lock (_writeLock)
        {
            _shutdownAfterDrain = true;
            if (_drainQueued || IsClosed)
            {
                return;
            }

            if (_pendingLength == 0)
            {
                ShutdownSend();
                return;
            }

            _drainQueued = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The connection is going anyway.
        }
    }

    /// <summary>Closes the connection (idempotent): the socket is shut, pending output dropped, and <see cref="OnClosed"/> called.</summary>
    public void Abort(Exception? reason = null)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        CloseReason = reason;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        try
        {
            OnClosed(reason);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }
}
