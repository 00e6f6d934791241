using System.Collections;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Modal.WebFrames;

namespace Modal.Gateway;

/// <summary>
/// One request on a container's web-frame connection, and the feature collection the application's HttpContext is
/// built on (one object, as Kestrel's own). The response is buffered until the application flushes, fills
/// <see cref="WebFrame.MaxData"/> bytes or ends, so a small response leaves as one head, data and end together; the
/// response starts (OnStarting runs, headers freeze) at its first write, as with Kestrel.
/// </summary>
internal sealed class WebFrameServerStream :
    IThreadPoolWorkItem,
    IFeatureCollection,
    IHttpRequestFeature,
    IHttpResponseFeature,
    IHttpResponseBodyFeature,
    IHttpRequestLifetimeFeature,
    IHttpConnectionFeature,
    IHttpRequestIdentifierFeature,
    IHttpRequestBodyDetectionFeature,
    IHttpBodyControlFeature
{
    private const int BufferBytes = WebFrame.MaxData;

    [ThreadStatic]
    private static WebFrameHeadWriter? t_scratch;

    private readonly WebFrameServerConnection _connection;
    private readonly WebFrameInbound? _requestBody;
    private readonly Lock _lock = new();
    private Dictionary<Type, object>? _extra;
    private int _revision;
    private CancellationTokenSource? _aborted;
    private bool _reset;
    private byte[]? _buffer;
    private int _buffered;
    private bool _started;
    private bool _headSent;
    private bool _ended;
    private bool _unbuffered;
    private Stack<(Func<object, Task> Callback, object State)>? _onStarting;
    private Stack<(Func<object, Task> Callback, object State)>? _onCompleted;
    private Stream? _responseStream;
    private PipeWriter? _responseWriter;
    private string? _traceIdentifier;
    private CancellationToken? _requestAbortedOverride;

    public WebFrameServerStream(WebFrameServerConnection connection, uint id, ReadOnlySpan<byte> head, bool endStream)
    {
        _connection = connection;
        Id = id;
        var reader = new WebFrameHeadReader(head);
        Method = MethodOf(reader.ReadUtf8());
        Path = reader.ReadString();
        QueryString = reader.ReadString();
        Protocol = reader.ReadString();
        var count = reader.ReadUInt16();
        Headers = new HeaderDictionary(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var value = reader.ReadString();
            Headers.Append(name, value);
        }

        RawTarget = QueryString.Length == 0 ? Path : Path + QueryString;
        if (!endStream)
        {
            _requestBody = new WebFrameInbound(GrantRequestCredit);
        }

        Body = new WebFrameRequestBody(this);
        ResponseHeaders = new HeaderDictionary();
    }

    /// <summary>A head writer for the calling thread.</summary>
    internal static WebFrameHeadWriter Scratch => t_scratch ??= new WebFrameHeadWriter();

    public uint Id { get; }

    /// <summary>Credit for the response body.</summary>
    public WebFrameWindow Window { get; } = new();

    void IThreadPoolWorkItem.Execute() => _ = _connection.Dispatcher.RunAsync(this);

    private static string MethodOf(ReadOnlySpan<byte> method) => method switch
    {
        _ when method.SequenceEqual("GET"u8) => HttpMethods.Get,
        _ when method.SequenceEqual("POST"u8) => HttpMethods.Post,
        _ when method.SequenceEqual("PUT"u8) => HttpMethods.Put,
        _ when method.SequenceEqual("DELETE"u8) => HttpMethods.Delete,
        _ when method.SequenceEqual("HEAD"u8) => HttpMethods.Head,
        _ when method.SequenceEqual("PATCH"u8) => HttpMethods.Patch,
        _ when method.SequenceEqual("OPTIONS"u8) => HttpMethods.Options,
        _ => System.Text.Encoding.UTF8.GetString(method),
    };

    // Reader loop side.

    public void OnRequestData(ReadOnlySpan<byte> data, bool end)
    {
        if (_requestBody is null)
        {
            throw new WebFrameProtocolException($"stream {Id} sent body data after a head without a body");
        }

        _requestBody.Append(data, end);
    }

    /// <summary>The gateway reset the stream (its client went away) or the connection closed: RequestAborted fires.</summary>
    public void OnReset(string message)
    {
        CancellationTokenSource? aborted;
        lock (_lock)
        {
            if (_reset)
            {
                return;
            }

            _reset = true;
            aborted = _aborted;
        }

        var error = new OperationCanceledException($"The request was aborted: {message}.");
        _requestBody?.Fail(error);
        Window.Fail(error);
        if (aborted is not null)
        {
            // On the pool: the application's callbacks and continuations must not run on (and hold up) the reader.
            ThreadPool.UnsafeQueueUserWorkItem(static source => Cancel(source), aborted, preferLocal: false);
        }
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered on RequestAborted threw; the request is gone either way.
        }
    }

    private void GrantRequestCredit(int bytes)
    {
        if (_connection.AppendCredit(Id, bytes))
        {
            _connection.Send();
        }
    }

    // The response.

    private async ValueTask StartAsync()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        if (_onStarting is { } callbacks)
        {
            while (callbacks.TryPop(out var entry))
            {
                await entry.Callback(entry.State).ConfigureAwait(false);
            }
        }

        ResponseHeaders.IsReadOnly = true;
    }

    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await StartAsync().ConfigureAwait(false);
        if (_ended)
        {
            throw new InvalidOperationException("The response has completed; nothing more may be written to it.");
        }

        if (HttpMethods.IsHead(Method) || _reset)
        {
            return;
        }

        while (!data.IsEmpty)
        {
            _buffer ??= System.Buffers.ArrayPool<byte>.Shared.Rent(BufferBytes);
            var copied = Math.Min(data.Length, BufferBytes - _buffered);
            data.Span[..copied].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += copied;
            data = data[copied..];
            if (_buffered == BufferBytes)
            {
                await SendAsync(end: false, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_unbuffered)
        {
            await SendAsync(end: false, cancellationToken).ConfigureAwait(false);
        }
    }

    internal async Task FlushAsync(CancellationToken cancellationToken)
    {
        await StartAsync().ConfigureAwait(false);
        if (!_ended)
        {
            await SendAsync(end: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the head if not yet sent and what is buffered, with the end of the response when <paramref name="end"/>.</summary>
    private async ValueTask SendAsync(bool end, CancellationToken cancellationToken)
    {
        if (_reset)
        {
            _buffered = 0;
            return;
        }

        var endSent = false;
        if (!_headSent)
        {
            var scratch = Scratch;
            scratch.Reset();
            scratch.WriteUInt16((ushort)StatusCode);
            if (end && ResponseHeaders.ContentLength is null && !ResponseHeaders.ContainsKey(HeaderNames.TransferEncoding)
                && !HttpMethods.IsHead(Method) && StatusCode is not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified) && StatusCode >= 200)
            {
                // The whole body is known: the gateway's client gets a Content-Length instead of chunks.
                ResponseHeaders.IsReadOnly = false;
                ResponseHeaders.ContentLength = _buffered;
            }

            scratch.BeginHeaders();
            foreach (var (name, values) in ResponseHeaders)
            {
                foreach (var value in values)
                {
                    scratch.WriteHeader(name, value ?? "");
                }
            }

            scratch.EndHeaders();
            endSent = end && _buffered == 0;
            _headSent = true;
            _connection.Append(WebFrameType.ResponseHead, endSent ? WebFrameFlags.EndStream : WebFrameFlags.None, Id, scratch.Written);
        }

        var offset = 0;
        while (offset < _buffered)
        {
            var granted = await Window.TakeAsync(_buffered - offset, cancellationToken).ConfigureAwait(false);
            var last = end && offset + granted == _buffered;
            _connection.Append(WebFrameType.Data, last ? WebFrameFlags.EndStream : WebFrameFlags.None, Id, _buffer.AsSpan(offset, granted));
            endSent |= last;
            offset += granted;
            if (offset < _buffered)
            {
                _connection.Send();
            }
        }

        _buffered = 0;
        if (end && !endSent)
        {
            _connection.Append(WebFrameType.Data, WebFrameFlags.EndStream, Id, []);
        }

        _connection.Send();
    }

    /// <summary>After the application returned (or completed the response): a 500 if it failed before starting, a reset if after.</summary>
    internal async Task EndResponseAsync(Exception? error)
    {
        if (_ended)
        {
            return;
        }

        if (error is not null && !_reset)
        {
            if (_started)
            {
                _ended = true;
                _buffered = 0;
                _connection.AppendReset(Id, WebFrameResetCode.HandlerFailed, $"the handler failed after its response started: {error.GetType().Name}: {error.Message}", Scratch);
                _connection.Send();
                return;
            }

            StatusCode = StatusCodes.Status500InternalServerError;
            ReasonPhrase = null;
            ResponseHeaders.Clear();
            _buffered = 0;
        }

        if (_responseWriter is { } writer && error is null)
        {
            try
            {
                await writer.FlushAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // The application completed the writer itself, which flushed it.
            }
        }

        await StartAsync().ConfigureAwait(false);
        await SendAsync(end: true, CancellationToken.None).ConfigureAwait(false);
        _ended = true;
    }

    internal async Task FireOnCompletedAsync()
    {
        if (_onCompleted is not { } callbacks)
        {
            return;
        }

        while (callbacks.TryPop(out var entry))
        {
            try
            {
                await entry.Callback(entry.State).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await Console.Error.WriteLineAsync($"An OnCompleted callback of a web request failed: {ex.GetType().FullName}: {ex.Message}").ConfigureAwait(false);
            }
        }
    }

    /// <summary>The application is done with the request: buffers go back and the connection forgets the stream.</summary>
    internal void Release()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        _requestBody?.Release();
        // The token source is not disposed: a reset may still reach it from the reader; it holds no timer.
        _connection.Remove(this);
    }

    internal ValueTask<int> ReadRequestAsync(Memory<byte> destination, CancellationToken cancellationToken) =>
        _requestBody is null ? ValueTask.FromResult(0) : _requestBody.ReadAsync(destination, cancellationToken);

    // IHttpRequestFeature.

    public string Protocol { get; set; }

    public string Scheme { get; set; } = "http";

    public string Method { get; set; }

    public string PathBase { get; set; } = "";

    public string Path { get; set; }

    public string QueryString { get; set; }

    public string RawTarget { get; set; }

    public IHeaderDictionary Headers { get; set; }

    public Stream Body { get; set; }

    // IHttpResponseFeature.

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ReasonPhrase { get; set; }

    private HeaderDictionary ResponseHeaders { get; set; }

    IHeaderDictionary IHttpResponseFeature.Headers
    {
        get => ResponseHeaders;
        set => ResponseHeaders = value as HeaderDictionary ?? new HeaderDictionary(value.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
    }

    Stream IHttpResponseFeature.Body
    {
        get => ((IHttpResponseBodyFeature)this).Stream;
        set => _responseStream = value;
    }

    public bool HasStarted => _started;

    public void OnStarting(Func<object, Task> callback, object state)
    {
        if (_started)
        {
            throw new InvalidOperationException("OnStarting cannot be registered once the response has started.");
        }

        (_onStarting ??= new()).Push((callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => (_onCompleted ??= new()).Push((callback, state));

    // IHttpResponseBodyFeature.

    Stream IHttpResponseBodyFeature.Stream => _responseStream ??= new WebFrameResponseBody(this);

    PipeWriter IHttpResponseBodyFeature.Writer =>
        _responseWriter ??= PipeWriter.Create(((IHttpResponseBodyFeature)this).Stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));

    public void DisableBuffering() => _unbuffered = true;

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => StartAsync().AsTask();

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        SendFileFallback.SendFileAsync(((IHttpResponseBodyFeature)this).Stream, path, offset, count, cancellationToken);

    Task IHttpResponseBodyFeature.CompleteAsync() => EndResponseAsync(null);

    // IHttpRequestLifetimeFeature.

    public CancellationToken RequestAborted
    {
        get
        {
            if (_requestAbortedOverride is { } token)
            {
                return token;
            }

            lock (_lock)
            {
                if (_reset)
                {
                    return new CancellationToken(canceled: true);
                }

                return (_aborted ??= new CancellationTokenSource()).Token;
            }
        }
        set => _requestAbortedOverride = value;
    }

    public void Abort()
    {
        if (!_reset && !_ended)
        {
            _ended = true;
            _connection.AppendReset(Id, WebFrameResetCode.HandlerFailed, "the handler aborted the request", Scratch);
            _connection.Send();
        }

        OnReset("the handler aborted the request");
    }

    // IHttpConnectionFeature.

    string IHttpConnectionFeature.ConnectionId
    {
        get => _connection.Id;
        set { }
    }

    public IPAddress? RemoteIpAddress { get; set; }

    public IPAddress? LocalIpAddress { get; set; }

    public int RemotePort { get; set; }

    public int LocalPort { get; set; }

    // IHttpRequestIdentifierFeature.

    public string TraceIdentifier
    {
        get => _traceIdentifier ??= _connection.Id + ":" + Id.ToString("X8", CultureInfo.InvariantCulture);
        set => _traceIdentifier = value;
    }

    // IHttpRequestBodyDetectionFeature, IHttpBodyControlFeature.

    public bool CanHaveBody => _requestBody is not null;

    public bool AllowSynchronousIO { get; set; }

    // IFeatureCollection: the features above are this object; others (set by the pipeline) go to a dictionary.

    public bool IsReadOnly => false;

    public int Revision => _revision;

    public object? this[Type key]
    {
        get => _extra is not null && _extra.TryGetValue(key, out var set) ? set : IsOwn(key) ? this : null;
        set
        {
            // A middleware may replace one of this object's features (response buffering, compression): its instance wins.
            _revision++;
            if (value is null)
            {
                _extra?.Remove(key);
            }
            else
            {
                (_extra ??= [])[key] = value;
            }
        }
    }

    private static bool IsOwn(Type key) =>
        key == typeof(IHttpRequestFeature) || key == typeof(IHttpResponseFeature) || key == typeof(IHttpResponseBodyFeature)
        || key == typeof(IHttpRequestLifetimeFeature) || key == typeof(IHttpConnectionFeature) || key == typeof(IHttpRequestIdentifierFeature)
        || key == typeof(IHttpRequestBodyDetectionFeature) || key == typeof(IHttpBodyControlFeature);

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        yield return new(typeof(IHttpRequestFeature), this);
        yield return new(typeof(IHttpResponseFeature), this);
        yield return new(typeof(IHttpResponseBodyFeature), this);
        yield return new(typeof(IHttpRequestLifetimeFeature), this);
        yield return new(typeof(IHttpConnectionFeature), this);
        yield return new(typeof(IHttpRequestIdentifierFeature), this);
        yield return new(typeof(IHttpRequestBodyDetectionFeature), this);
        yield return new(typeof(IHttpBodyControlFeature), this);
        if (_extra is not null)
        {
            foreach (var entry in _extra)
            {
                yield return entry;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
