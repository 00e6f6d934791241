using Grpc.Core;
using Grpc.Net.Client;
using Modal.Protocol;

namespace Modal.Worker;

/// <summary>
/// The worker's connection to the container API. Every call carries the task's id and token, which the control plane
/// checks, and failures come back as the platform's typed errors.
/// </summary>
internal sealed class ContainerClient : IBlobTransport, IDisposable
{
    internal const string TaskIdHeader = "x-modal-task-id";
    internal const string TaskTokenHeader = "x-modal-task-token";

    private readonly GrpcChannel _channel;
    private readonly Metadata _headers;

    public ContainerClient(WorkerOptions options)
    {
        Address = options.ServerUrl;
        TaskId = options.TaskId;
        _channel = ModalGrpcChannel.Create(options.ServerUrl);
        Api = new ContainerApi.ContainerApiClient(_channel);
        _headers = new Metadata { { TaskIdHeader, options.TaskId }, { TaskTokenHeader, options.TaskToken } };
    }

    public Uri Address { get; }

    public string TaskId { get; }

    public ContainerApi.ContainerApiClient Api { get; }

    public CallOptions Options(CancellationToken cancellationToken) => new(headers: _headers, cancellationToken: cancellationToken);

    public Exception Map(RpcException exception, CancellationToken cancellationToken) =>
        ModalErrorCodec.FromRpcException(exception, cancellationToken, Address.ToString());

    public async Task<ContainerHelloResponse> HelloAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Api.ContainerHelloAsync(new ContainerHelloRequest { TaskId = TaskId, Pid = Environment.ProcessId }, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public AsyncDuplexStreamingCall<ContainerGetInputsRequest, ContainerGetInputsResponse> GetInputs(CancellationToken cancellationToken) =>
        Api.ContainerGetInputs(Options(cancellationToken));

    public async Task PutOutputsAsync(ContainerPutOutputsRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await Api.ContainerPutOutputsAsync(request, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    public async Task<ContainerHeartbeatResponse> HeartbeatAsync(int activeInputs, CancellationToken cancellationToken)
    {
        try
        {
            return await Api.ContainerHeartbeatAsync(new ContainerHeartbeatRequest { TaskId = TaskId, ActiveInputs = activeInputs }, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    /// <summary>Sends items a generator input yielded; returns once the control plane took them. True: stop producing.</summary>
    public async Task<bool> PutGeneratorItemsAsync(ContainerInput input, IReadOnlyList<GeneratorItem> items, CancellationToken cancellationToken)
    {
        var request = new ContainerPutGeneratorItemsRequest { TaskId = TaskId, InputId = input.InputId, RetryCount = input.RetryCount };
        request.Items.AddRange(items);
        try
        {
            var response = await Api.ContainerPutGeneratorItemsAsync(request, Options(cancellationToken)).ConfigureAwait(false);
            return response.Stop;
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
        }
    }

    /// <summary>Tells the control plane that this container's web server accepts connections at host:port.</summary>
    public async Task WebReadyAsync(string host, int port, string? unixSocketPath, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ContainerWebReadyRequest { TaskId = TaskId, Host = host, Port = port, UnixSocketPath = unixSocketPath ?? "" };
            await Api.ContainerWebReadyAsync(request, Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Map(ex, cancellationToken);
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

    public void Dispose() => _channel.Dispose();
}
