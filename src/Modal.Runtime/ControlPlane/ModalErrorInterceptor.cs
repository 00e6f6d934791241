using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Modal.ControlPlane;

/// <summary>
/// Turns the typed errors the scheduler raises into gRPC statuses with the <c>modal-error</c> trailer (see
/// <see cref="ModalErrorCodec"/>), and anything unexpected into INTERNAL with a message, never a bare stack trace.
/// </summary>
internal sealed class ModalErrorInterceptor(ILogger<ModalErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    private RpcException? Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case ModalException modal:
                return ModalErrorCodec.ToRpcException(modal);
            case RpcException:
                return null;
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return null;
            case OperationCanceledException:
                return new RpcException(new Status(StatusCode.Unavailable, "The control plane is shutting down; retry against a running one."));
            default:
                logger.LogError(exception, "{Method} failed", context.Method);
                return new RpcException(new Status(StatusCode.Internal,
                    $"The control plane failed while handling {context.Method}: {exception.GetType().Name}: {exception.Message}"));
        }
    }
}
