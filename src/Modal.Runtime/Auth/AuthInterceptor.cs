using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Modal.Protocol;
using Modal.Scheduling;

namespace Modal.Auth;

/// <summary>
/// Server mode's gate in front of the client and platform APIs. Every call must carry a token: a user token
/// (<c>x-modal-token-id</c>/<c>-secret</c>) acts for its workspace; a container's task id and task token act for that
/// task only, and not at all when its function has <c>RestrictModalAccess</c>. Ids of another workspace answer
/// NotFound, and submitted inputs go through the workspace's rate limit. The container API checks its own task tokens.
/// </summary>
internal sealed class AuthInterceptor(Scheduler scheduler, PlatformServices platform) : Interceptor
{
    private const string ContainerServicePrefix = "/modal.v1.ContainerApi/";
    private const string PlatformServicePrefix = "/modal.v1.PlatformApi/";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.Method.StartsWith(ContainerServicePrefix, StringComparison.Ordinal))
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        var caller = Authenticate(context);
        CheckOwnership(request, caller);
        CheckInputBlobs(request, caller);
        Limit(request, caller);
        var response = await continuation(request, context).ConfigureAwait(false);
        await RecordAsync(request, response, caller, context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        string workspace;
        if (context.Method.StartsWith(ContainerServicePrefix, StringComparison.Ordinal))
        {
            if (!context.Method.EndsWith("/BlobPut", StringComparison.Ordinal))
            {
                return await continuation(requestStream, context).ConfigureAwait(false);
            }

            workspace = ContainerWorkspace(context);
        }
        else
        {
            workspace = Authenticate(context).Workspace;
        }

        var response = await continuation(requestStream, context).ConfigureAwait(false);
        if (response is BlobPutResponse put)
        {
            // Blobs are shared on disk by content, so who uploaded one is what lets a workspace read it back.
            await platform.AddBlobOwnerAsync(put.BlobId, workspace, context.CancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (context.Method.StartsWith(ContainerServicePrefix, StringComparison.Ordinal))
        {
            if (request is BlobGetRequest containerGet)
            {
                CheckBlob(ContainerWorkspace(context), containerGet.BlobId);
            }
        }
        else
        {
            var caller = Authenticate(context);
            CheckOwnership(request, caller);
            if (request is BlobGetRequest get)
            {
                CheckBlob(caller.Workspace, get.BlobId);
            }
        }

        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!context.Method.StartsWith(ContainerServicePrefix, StringComparison.Ordinal))
        {
            Authenticate(context);
        }

        return continuation(requestStream, responseStream, context);
    }

    /// <summary>The caller of a call the interceptor let through (set for every client and platform API call).</summary>
    public static CallerIdentity Caller(ServerCallContext context) =>
        context.UserState.TryGetValue(CallerIdentity.ContextKey, out var caller) && caller is CallerIdentity identity
            ? identity
            : throw new AuthError("The call reached the platform API without an authenticated caller; send a token.");

    private CallerIdentity Authenticate(ServerCallContext context)
    {
        var tokenId = context.RequestHeaders.GetValue(ModalClient.TokenIdHeader);
        var tokenSecret = context.RequestHeaders.GetValue(ModalClient.TokenSecretHeader);
        if (string.IsNullOrEmpty(tokenId) || string.IsNullOrEmpty(tokenSecret))
        {
            throw new AuthError(
                "This Modal server requires a token on every call. Set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET, or add a profile to " +
                "~/.modal.toml with `modal token set --token-id ... --token-secret ...`.");
        }

        CallerIdentity caller;
        if (tokenId.StartsWith("ta-", StringComparison.Ordinal))
        {
            var container = scheduler.Authenticate(tokenId, tokenSecret);
            if (container.Function.Manifest.RestrictModalAccess == true)
            {
                throw new AuthError(
                    $"Function '{container.Function.Name}' runs with RestrictModalAccess: it can fetch its inputs and send its outputs, and " +
                    $"make no other platform call ({ShortMethod(context.Method)} was refused). Remove RestrictModalAccess if it must call the platform.");
            }

            if (context.Method.StartsWith(PlatformServicePrefix, StringComparison.Ordinal))
            {
                throw new AuthError(
                    $"A container's task token cannot call {ShortMethod(context.Method)}: it acts only for its own task. Use a user token for deployments, secrets and tokens.");
            }

            caller = new CallerIdentity(platform.OwnerOf(container.Function.App.AppId) ?? PlatformServices.DefaultWorkspace, tokenId, container.TaskId);
        }
        else
        {
            var workspace = platform.WorkspaceOf(tokenId, tokenSecret)
                ?? throw new AuthError(
                    $"Token {tokenId} is not valid on this server (unknown id or wrong secret). Check MODAL_TOKEN_ID/MODAL_TOKEN_SECRET or the " +
                    "active profile in ~/.modal.toml, or create a token with `modal token new`.");
            caller = new CallerIdentity(workspace, tokenId);
        }

        context.UserState[CallerIdentity.ContextKey] = caller;
        return caller;
    }

    private void CheckOwnership(object request, CallerIdentity caller)
    {
        if (request is not IMessage message)
        {
            return;
        }

        foreach (var field in (ReadOnlySpan<string>)["app_id", "function_id", "function_call_id"])
        {
            if (message.Descriptor.FindFieldByName(field)?.Accessor.GetValue(message) is string { Length: > 0 } id &&
                platform.OwnerOf(id) is { } owner && owner != caller.Workspace)
            {
                throw new NotFoundError($"{id} does not exist in workspace '{caller.Workspace}'. Check the id, or use a token of the workspace that created it.");
            }
        }
    }

    /// <summary>The workspace a container acts for (its app's owner); the task's id and token must be valid.</summary>
    private string ContainerWorkspace(ServerCallContext context)
    {
        var container = scheduler.Authenticate(
            context.RequestHeaders.GetValue(ControlPlane.ContainerApiService.TaskIdHeader),
            context.RequestHeaders.GetValue(ControlPlane.ContainerApiService.TaskTokenHeader));
        return platform.OwnerOf(container.Function.App.AppId) ?? PlatformServices.DefaultWorkspace;
    }

    private void CheckBlob(string workspace, string blobId)
    {
        if (!platform.OwnsBlob(workspace, blobId))
        {
            throw new NotFoundError($"Blob {blobId} does not exist in workspace '{workspace}'. Upload it with BlobPut using a token of this workspace.");
        }
    }

    /// <summary>Inputs may refer only to blobs their caller's workspace can read.</summary>
    private void CheckInputBlobs(object request, CallerIdentity caller)
    {
        var inputs = request switch
        {
            FunctionMapRequest map => map.PipelinedInputs,
            FunctionPutInputsRequest put => put.Inputs,
            _ => null,
        };
        foreach (var input in inputs ?? [])
        {
            if (input.Args?.DataCase == Payload.DataOneofCase.BlobId)
            {
                CheckBlob(caller.Workspace, input.Args.BlobId);
            }
        }
    }

    private void Limit(object request, CallerIdentity caller)
    {
        if (platform.RateLimiter is not { } limiter)
        {
            return;
        }

        var inputs = request switch
        {
            FunctionMapRequest map => map.PipelinedInputs.Count,
            FunctionPutInputsRequest put => put.Inputs.Count,
            _ => 0,
        };
        if (inputs > 0)
        {
            limiter.Acquire(caller.Workspace, inputs);
        }
    }

    private async Task RecordAsync(object request, object response, CallerIdentity caller, CancellationToken cancellationToken)
    {
        switch (response)
        {
            case AppCreateResponse created:
                await platform.SetOwnerAsync([created.AppId, .. created.FunctionIds.Values], caller.Workspace, durable: true, cancellationToken).ConfigureAwait(false);
                break;
            case FunctionMapResponse mapped:
                // Spawned calls outlive restarts and are fetched by id from other processes; synchronous ones stay in memory.
                var durable = request is FunctionMapRequest { InvocationType: FunctionCallInvocationType.Async };
                await platform.SetOwnerAsync([mapped.FunctionCallId], caller.Workspace, durable, cancellationToken).ConfigureAwait(false);
                break;
            case FunctionBindParamsResponse bound:
                await platform.SetOwnerAsync([bound.BoundFunctionId], caller.Workspace, durable: true, cancellationToken).ConfigureAwait(false);
                break;
            case FunctionGetResponse found when platform.OwnerOf(found.AppId) is { } owner && owner != caller.Workspace:
                var get = (FunctionGetRequest)request;
                throw new NotFoundError(
                    $"No running app named '{get.AppName}' in workspace '{caller.Workspace}'. Deploy the app with a token of this workspace before looking up its functions.");
        }
    }

    private static string ShortMethod(string method) => method[(method.LastIndexOf('/') + 1)..];
}
