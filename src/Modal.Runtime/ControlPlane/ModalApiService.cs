using Grpc.Core;
using Modal.Protocol;
using Modal.Scheduling;

namespace Modal.ControlPlane;

/// <summary>The client-facing API: apps, functions, calls, outputs and blobs.</summary>
internal sealed class ModalApiService(Scheduler scheduler) : ModalApi.ModalApiBase
{
    // Clients keep gRPC's default 4 MiB receive limit; one inline output is at most 2 MiB.
    private const int MaxOutputBytesPerMessage = 3 * 1024 * 1024;

    private static readonly TimeSpan GeneratorPollWait = TimeSpan.FromSeconds(20);

    public override Task<AppCreateResponse> AppCreate(AppCreateRequest request, ServerCallContext context) =>
        scheduler.CreateAppAsync(request, context.CancellationToken, WorkspaceOf(context));

    public override async Task<AppStopResponse> AppStop(AppStopRequest request, ServerCallContext context)
    {
        await scheduler.StopAppAsync(request.AppId).ConfigureAwait(false);
        return new AppStopResponse();
    }

    public override Task<AppHeartbeatResponse> AppHeartbeat(AppHeartbeatRequest request, ServerCallContext context)
    {
        scheduler.AppHeartbeat(request.AppId);
        return Task.FromResult(new AppHeartbeatResponse());
    }

    /// <summary>Server mode: the caller's workspace (the auth interceptor put it there); null on an embedded control plane.</summary>
    private static string? WorkspaceOf(ServerCallContext context) =>
        context.UserState.TryGetValue(Auth.CallerIdentity.ContextKey, out var caller) && caller is Auth.CallerIdentity identity ? identity.Workspace : null;

    public override Task<FunctionCreateResponse> FunctionCreate(FunctionCreateRequest request, ServerCallContext context) =>
        scheduler.CreateFunctionAsync(request, context.CancellationToken);

    public override Task<FunctionGetResponse> FunctionGet(FunctionGetRequest request, ServerCallContext context) =>
        Task.FromResult(scheduler.GetFunction(request, WorkspaceOf(context)));

    public override Task<FunctionMapResponse> FunctionMap(FunctionMapRequest request, ServerCallContext context) =>
        scheduler.MapAsync(request, context.CancellationToken);

    public override Task<FunctionPutInputsResponse> FunctionPutInputs(FunctionPutInputsRequest request, ServerCallContext context) =>
        scheduler.PutInputsAsync(request, context.CancellationToken);

    /// <summary>
    /// Streams outputs after the request's cursor: the first message goes out at once (possibly empty, carrying
    /// num_inputs) so a poll with a zero timeout gets an answer; later messages go out as outputs land; the last one has
    /// call_complete set, and then the stream ends.
    /// </summary>
    public override async Task FunctionGetOutputs(FunctionGetOutputsRequest request, IServerStreamWriter<FunctionGetOutputsResponse> responseStream, ServerCallContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, scheduler.Stopping);
        var cancellationToken = linked.Token;
        var call = await scheduler.OpenCallForReadAsync(request.FunctionCallId, request.LastEntryId, cancellationToken).ConfigureAwait(false);
        var cursor = request.LastEntryId;
        var batch = new List<FunctionOutput>();
        var first = true;
        while (true)
        {
            var read = call.Read(cursor, batch, MaxOutputBytesPerMessage);
            if (batch.Count > 0 || read.Complete || first)
            {
                var response = new FunctionGetOutputsResponse { LastEntryId = read.Cursor, CallComplete = read.Complete, NumInputs = read.NumInputs };
                response.Outputs.AddRange(batch);
                batch.Clear();
                await responseStream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
                cursor = read.Cursor;
                first = false;
                if (read.Complete)
                {
                    if (request.ClearOnSuccess)
                    {
                        Scheduler.ReleaseDelivered(call, cursor);
                    }

                    return;
                }

                continue;
            }

            if (read.Changed is null)
            {
                // A stored snapshot of a call that is not complete: nothing more will arrive on this stream.
                return;
            }

            await read.Changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<FunctionCallGetInfoResponse> FunctionCallGetInfo(FunctionCallGetInfoRequest request, ServerCallContext context) =>
        scheduler.GetCallInfoAsync(request.FunctionCallId, context.CancellationToken);

    public override async Task<FunctionCallCancelResponse> FunctionCallCancel(FunctionCallCancelRequest request, ServerCallContext context)
    {
        await scheduler.CancelCallAsync(request.FunctionCallId, request.TerminateContainers, context.CancellationToken).ConfigureAwait(false);
        return new FunctionCallCancelResponse();
    }

    public override Task<FunctionBindParamsResponse> FunctionBindParams(FunctionBindParamsRequest request, ServerCallContext context) =>
        scheduler.BindParamsAsync(request);

    /// <summary>Long-polls for generator items: answers with what is there, or after a while with nothing (ask again).</summary>
    public override Task<FunctionGetGeneratorItemsResponse> FunctionGetGeneratorItems(FunctionGetGeneratorItemsRequest request, ServerCallContext context) =>
        scheduler.GetGeneratorItemsAsync(request, GeneratorPollWait, context.CancellationToken);

    public override async Task<FunctionUpdateAutoscalerResponse> FunctionUpdateAutoscaler(FunctionUpdateAutoscalerRequest request, ServerCallContext context)
    {
        await scheduler.UpdateAutoscalerAsync(request).ConfigureAwait(false);
        return new FunctionUpdateAutoscalerResponse();
    }

    public override Task<BlobPutResponse> BlobPut(IAsyncStreamReader<BlobChunk> requestStream, ServerCallContext context) =>
        BlobTransfer.PutAsync(scheduler.Blobs, requestStream, context.CancellationToken);

    public override Task BlobGet(BlobGetRequest request, IServerStreamWriter<BlobChunk> responseStream, ServerCallContext context) =>
        BlobTransfer.GetAsync(scheduler.Blobs, request.BlobId, responseStream, context.CancellationToken);
}
