using Grpc.Core;

namespace Modal;

/// <summary>
/// How typed errors cross gRPC: a status code plus the trailer <c>modal-error</c> whose value is the error class name.
/// The control plane uses <see cref="ToRpcException"/>; the client and the worker turn what they receive back into the
/// typed exception.
/// </summary>
public static class ModalErrorCodec
{
    /// <summary>The trailer that names the error class.</summary>
    public const string TrailerKey = "modal-error";

    /// <summary>The status code each typed error travels with.</summary>
    public static StatusCode StatusCodeFor(ModalException exception) => exception switch
    {
        InvalidError => StatusCode.InvalidArgument,
        NotFoundError => StatusCode.NotFound,
        AuthError => StatusCode.Unauthenticated,
        FunctionTimeoutError => StatusCode.DeadlineExceeded,
        OutputExpiredError => StatusCode.NotFound,
        ResourceExhaustedError => StatusCode.ResourceExhausted,
        _ => StatusCode.Unknown,
    };

    /// <summary>Wraps a typed error for the wire, keeping its class name and message.</summary>
    public static RpcException ToRpcException(ModalException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var trailers = new Metadata { { TrailerKey, exception.GetType().Name } };
        return new RpcException(new Status(StatusCodeFor(exception), exception.Message), trailers, exception.Message);
    }

    /// <summary>
    /// Turns a failed call back into the typed error it stands for. A call cancelled by <paramref name="cancellationToken"/>
    /// becomes an <see cref="OperationCanceledException"/>, so callers see the usual cancellation.
    /// </summary>
    public static Exception FromRpcException(RpcException exception, CancellationToken cancellationToken = default, string? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The operation was cancelled.", exception, cancellationToken);
        }

        var detail = string.IsNullOrEmpty(exception.Status.Detail) ? exception.StatusCode.ToString() : exception.Status.Detail;
        var name = exception.Trailers.GetValue(TrailerKey);
        ModalException? typed = name switch
        {
            nameof(InvalidError) => new InvalidError(detail, exception),
            nameof(NotFoundError) => new NotFoundError(detail, exception),
            nameof(AuthError) => new AuthError(detail, exception),
            nameof(FunctionTimeoutError) => new FunctionTimeoutError(detail, exception),
            nameof(OutputExpiredError) => new OutputExpiredError(detail, exception),
            nameof(ResourceExhaustedError) => new ResourceExhaustedError(detail, exception),
            _ => null,
        };
        if (typed is not null)
        {
            return typed;
        }

        // Without the trailer (a proxy, or a server that predates it) the status code still says enough for these.
        return exception.StatusCode switch
        {
            StatusCode.ResourceExhausted => new ResourceExhaustedError(detail, exception),
            StatusCode.Unauthenticated or StatusCode.PermissionDenied => new AuthError(detail, exception),
            StatusCode.Unavailable => new ModalException(
                $"The Modal control plane{(endpoint is null ? "" : $" at {endpoint}")} is unreachable ({detail}). " +
                "Check that it is running, or unset MODAL_SERVER_URL to use an embedded one.", exception),
            _ => new ModalException($"The Modal control plane failed the request: {detail} (status {exception.StatusCode}).", exception),
        };
    }
}
