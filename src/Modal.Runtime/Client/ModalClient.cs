using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Modal.Protocol;

namespace Modal;

/// <summary>
/// The client's connection to a control plane: one gRPC channel, typed errors instead of <see cref="RpcException"/>,
/// and the caller's token on every call. One instance serves every handle of a process, so nothing is allocated per
/// call beyond the messages themselves.
/// </summary>
internal sealed class ModalClient : IBlobTransport, IDisposable
{
    /// <summary>Metadata keys that carry <c>MODAL_TOKEN_ID</c>/<c>MODAL_TOKEN_SECRET</c>.</summary>
    internal const string TokenIdHeader = "x-modal-token-id";
    internal const string TokenSecretHeader = "x-modal-token-secret";

    private static readonly Lazy<ModalClient?> EnvironmentClient = new(CreateFromEnvironment, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly GrpcChannel _channel;
    private readonly Metadata? _headers;
    private readonly ConcurrentDictionary<(string App, string Function), string> _functionIds = new();
    private readonly ConcurrentDictionary<(string FunctionId, string Parameters), string> _boundIds = new();
    private int _disposed;

    public ModalClient(Uri address, ModalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Address = address;
        Environment = options.Environment;
        _channel = ModalGrpcChannel.Create(address);
        Api = new ModalApi.ModalApiClient(_channel);
        if (!string.IsNullOrEmpty(options.TokenId) || !string.IsNullOrEmpty(options.TokenSecret))
        {
            _headers = new Metadata();
            if (!string.IsNullOrEmpty(options.TokenId))
            {
                _headers.Add(TokenIdHeader, options.TokenId);
            }

            if (!string.IsNullOrEmpty(options.TokenSecret))
            {
                _headers.Add(TokenSecretHeader, options.TokenSecret);
            }
        }
    }

    public Uri Address { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public string Environment { get; }

    public ModalApi.ModalApiClient Api { get; }

    /// <summary>
    /// The connection calls made outside a handle use (<see cref="FunctionCall.FromId{T}(string)"/>): the running app's,
    /// else one to <c>MODAL_SERVER_URL</c>.
    /// </summary>
    public static ModalClient ForCurrentContext()
    {
        if (AppRun.Current is { IsStopped: false } run)
        {
            return run.Client;
        }

        return EnvironmentClient.Value ?? throw new InvalidError(
            "No Modal app is running in this process and MODAL_SERVER_URL is not set, so there is no control plane to ask. " +
            "Call `<App>.RunAsync()` (or run the app's entrypoint) first, or set MODAL_SERVER_URL to a running `modal server`.");
    }

    /// <summary>The connection to <c>MODAL_SERVER_URL</c>, or null when it is not set.</summary>
    public static ModalClient? FromEnvironment() => EnvironmentClient.Value;

    private static ModalClient? CreateFromEnvironment()
    {
        var options = ModalOptions.FromEnvironment();
        return options.ServerUrl is null ? null : new ModalClient(options.ServerUrl, options);
    }

    public CallOptions Options(CancellationToken cancellationToken, DateTime? deadline = null) =>
        new(headers: _headers, deadline: deadline, cancellationToken: cancellationToken);

    public Exception Map(RpcException exception, CancellationToken cancellationToken) =>
        ModalErrorCodec.FromRpcException(exception, cancellationToken, Address.ToString());

    public async Task<AppCreateResponse> AppCreateAsync(AppCreateRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await Api.AppCreateAsync(request, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public async Task AppStopAsync(string appId, CancellationToken cancellationToken)
    {
        try
        {
            await Api.AppStopAsync(new AppStopRequest { AppId = appId }, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public async Task AppHeartbeatAsync(string appId, CancellationToken cancellationToken)
    {
        try
        {
            await Api.AppHeartbeatAsync(new AppHeartbeatRequest { AppId = appId }, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    /// <summary>Looks a function of another (running or deployed) app up by name; answers are cached per connection.</summary>
    public async ValueTask<string> GetFunctionIdAsync(string appName, string functionName, CancellationToken cancellationToken)
    {
        if (_functionIds.TryGetValue((appName, functionName), out var cached))
        {
            return cached;
        }

        FunctionGetResponse response;
        try
        {
            response = await Api.FunctionGetAsync(
                new FunctionGetRequest { AppName = appName, FunctionName = functionName, Environment = Environment },
                Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken) switch
            {
                NotFoundError notFound => new NotFoundError(
                    $"Function '{functionName}' of app '{appName}' was not found in environment '{Environment}' ({notFound.Message}). " +
                    $"Run the app with `{appName}.RunAsync()` in this process, or deploy it, before calling it.", ex),
                var other => other,
            };
        }

        _functionIds[(appName, functionName)] = response.FunctionId;
        return response.FunctionId;
    }

    public async Task<FunctionMapResponse> FunctionMapAsync(FunctionMapRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await Api.FunctionMapAsync(request, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public async Task<FunctionPutInputsResponse> FunctionPutInputsAsync(FunctionPutInputsRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await Api.FunctionPutInputsAsync(request, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public async Task<FunctionCallGetInfoResponse> FunctionCallGetInfoAsync(string functionCallId, CancellationToken cancellationToken)
    {
        try
        {
            return await Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = functionCallId }, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    /// <summary>
    /// The pool of a [Cls] class for one set of serialized parameters; the answer is cached per connection, since the same
    /// bytes always get the same pool.
    /// </summary>
    public async ValueTask<string> BindParamsAsync(string classFunctionId, byte[] parameters, CancellationToken cancellationToken)
    {
        var key = (classFunctionId, Convert.ToHexString(parameters));
        if (_boundIds.TryGetValue(key, out var cached))
        {
            return cached;
        }

        FunctionBindParamsResponse response;
        try
        {
            response = await Api.FunctionBindParamsAsync(
                new FunctionBindParamsRequest { FunctionId = classFunctionId, SerializedParams = Google.Protobuf.ByteString.CopyFrom(parameters) },
                Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }

        _boundIds[key] = response.BoundFunctionId;
        return response.BoundFunctionId;
    }

    public async Task<FunctionGetGeneratorItemsResponse> FunctionGetGeneratorItemsAsync(string functionCallId, long nextIndex, CancellationToken cancellationToken)
    {
        try
        {
            return await Api.FunctionGetGeneratorItemsAsync(
                new FunctionGetGeneratorItemsRequest { FunctionCallId = functionCallId, NextIndex = nextIndex },
                Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public async Task FunctionCallCancelAsync(string functionCallId, bool terminateContainers, CancellationToken cancellationToken)
    {
        try
        {
            await Api.FunctionCallCancelAsync(
                new FunctionCallCancelRequest { FunctionCallId = functionCallId, TerminateContainers = terminateContainers },
                Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    /// <summary>
    /// Cancels a call on a best-effort basis: it runs when the caller has already given up (its token is cancelled),
    /// so it uses its own short deadline and never throws.
    /// </summary>
    public async Task TryCancelCallAsync(string functionCallId)
    {
        try
        {
            await Api.FunctionCallCancelAsync(
                new FunctionCallCancelRequest { FunctionCallId = functionCallId },
                Options(CancellationToken.None, DateTime.UtcNow.AddSeconds(5))).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The control plane is gone or the call already finished; either way there is nothing left to cancel.
        }
        catch (ObjectDisposedException)
        {
            // The app stopped while the cancellation was on its way; stopping the app cancelled the call anyway.
        }
    }

    public async Task<string> PutBlobAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            return await Payloads.UploadAsync(Api.BlobPut(Options(cancellationToken)), data, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public async Task<byte[]> GetBlobAsync(string blobId, CancellationToken cancellationToken)
    {
        try
        {
            return await Payloads.DownloadAsync(Api.BlobGet(new BlobGetRequest { BlobId = blobId }, Options(cancellationToken)), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Dispose();
        }
    }
}
