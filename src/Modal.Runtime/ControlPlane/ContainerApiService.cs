using Grpc.Core;
using Modal.Protocol;
using Modal.Scheduling;

namespace Modal.ControlPlane;

/// <summary>
/// The container-facing API. Every call must carry the task's id and token (<c>x-modal-task-id</c>,
/// <c>x-modal-task-token</c>); a call without them, or from a task the control plane stopped, fails with AuthError.
/// </summary>
internal sealed class ContainerApiService(Scheduler scheduler) : ContainerApi.ContainerApiBase
{
    public const string TaskIdHeader = "x-modal-task-id";
    public const string TaskTokenHeader = "x-modal-task-token";

    public override Task<ContainerHelloResponse> ContainerHello(ContainerHelloRequest request, ServerCallContext context)
    {
        var container = Authenticate(context);
        return Task.FromResult(scheduler.Hello(container, request));
    }

    /// <summary>
    /// Credits in, inputs out. Inputs are written from the container's queue as the scheduler assigns them. A stream the
    /// container closes cleanly means it is draining; a stream that breaks means the container is gone.
    /// </summary>
    public override async Task ContainerGetInputs(
        IAsyncStreamReader<ContainerGetInputsRequest> requestStream,
        IServerStreamWriter<ContainerGetInputsResponse> responseStream,
        ServerCallContext context)
    {
        var container = Authenticate(context);
        var outbound = scheduler.OpenInputStream(container);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, scheduler.Stopping);
        var writer = PumpAsync(outbound.Reader, responseStream, linked);
        var broken = false;
        try
        {
            while (await requestStream.MoveNext(linked.Token).ConfigureAwait(false))
            {
                var credits = requestStream.Current.Credits;
                if (credits > 0)
                {
                    await scheduler.AddCreditsAsync(container, credits).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or RpcException or InvalidOperationException)
        {
            broken = !scheduler.Stopping.IsCancellationRequested;
        }

        if (writer.IsFaulted)
        {
            broken = !scheduler.Stopping.IsCancellationRequested;
        }

        // Closing completes the container's queue, so after a clean close the writer still delivers inputs assigned
        // before the close and then ends; after a break there is no one left to deliver to.
        await scheduler.CloseInputStreamAsync(container, broken).ConfigureAwait(false);
        if (broken)
        {
            await linked.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await writer.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
        }
    }

    public override async Task<ContainerPutOutputsResponse> ContainerPutOutputs(ContainerPutOutputsRequest request, ServerCallContext context)
    {
        var container = Authenticate(context);
        await scheduler.PutOutputsAsync(container, request).ConfigureAwait(false);
        return new ContainerPutOutputsResponse();
    }

    public override Task<ContainerHeartbeatResponse> ContainerHeartbeat(ContainerHeartbeatRequest request, ServerCallContext context)
    {
        var container = Authenticate(context);
        return Task.FromResult(scheduler.Heartbeat(container));
    }

    public override Task<ContainerLogResponse> ContainerLog(ContainerLogRequest request, ServerCallContext context)
    {
        var container = Authenticate(context);
        Scheduler.WriteContainerLog(container, request, Console.Out, Console.Error);
        return Task.FromResult(new ContainerLogResponse());
    }

    public override Task<ContainerWebReadyResponse> ContainerWebReady(ContainerWebReadyRequest request, ServerCallContext context)
    {
        var container = Authenticate(context);
        scheduler.WebReady(container, request);
        return Task.FromResult(new ContainerWebReadyResponse());
    }

    public override Task<ContainerPutGeneratorItemsResponse> ContainerPutGeneratorItems(ContainerPutGeneratorItemsRequest request, ServerCallContext context)
    {
        var container = Authenticate(context);
        return scheduler.PutGeneratorItemsAsync(container, request, context.CancellationToken);
    }

    public override Task<BlobPutResponse> BlobPut(IAsyncStreamReader<BlobChunk> requestStream, ServerCallContext context)
    {
        Authenticate(context);
        return BlobTransfer.PutAsync(scheduler.Blobs, requestStream, context.CancellationToken);
    }

    public override Task BlobGet(BlobGetRequest request, IServerStreamWriter<BlobChunk> responseStream, ServerCallContext context)
    {
        Authenticate(context);
        return BlobTransfer.GetAsync(scheduler.Blobs, request.BlobId, responseStream, context.CancellationToken);
    }

    private ContainerTask Authenticate(ServerCallContext context) =>
        scheduler.Authenticate(context.RequestHeaders.GetValue(TaskIdHeader), context.RequestHeaders.GetValue(TaskTokenHeader));

    private static async Task PumpAsync(
        System.Threading.Channels.ChannelReader<ContainerGetInputsResponse> reader,
        IServerStreamWriter<ContainerGetInputsResponse> stream,
        CancellationTokenSource linked)
    {
        try
        {
            while (await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    await stream.WriteAsync(message, linked.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The write side broke: stop reading credits too, so the container is handled as gone.
            await linked.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
