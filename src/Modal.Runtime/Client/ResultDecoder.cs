using MessagePack;
using Modal.Dispatch;
using Modal.Protocol;

namespace Modal;

/// <summary>Turns a call's output into the function's value or the typed error it stands for.</summary>
internal static class ResultDecoder
{
    public static async ValueTask<FunctionResult<T>> DecodeAsync<T>(
        Protocol.FunctionResult? result,
        IBlobTransport blobs,
        string? functionName,
        string? inputId,
        CancellationToken cancellationToken,
        int retryCount = 0)
    {
        var decoded = await DecodeCoreAsync<T>(result, blobs, functionName, inputId, retryCount, cancellationToken).ConfigureAwait(false);
        return decoded with { RetryCount = retryCount };
    }

    private static async ValueTask<FunctionResult<T>> DecodeCoreAsync<T>(
        Protocol.FunctionResult? result,
        IBlobTransport blobs,
        string? functionName,
        string? inputId,
        int retryCount,
        CancellationToken cancellationToken)
    {
        if (result is null)
        {
            return new FunctionResult<T>(new ModalException($"An output{Where(functionName, inputId)} arrived without a result; the control plane and this SDK disagree on the wire format."));
        }

        switch (result.Status)
        {
            case ResultStatus.Success:
                var bytes = await Payloads.DecodeAsync(result.Data, blobs, cancellationToken).ConfigureAwait(false);
                return new FunctionResult<T>(Deserialize<T>(bytes, functionName));
            case ResultStatus.Failure:
                return new FunctionResult<T>(ToRemoteException(result.Error, functionName, inputId, retryCount));
            case ResultStatus.InitFailure:
                var init = result.Error ?? new RemoteError { Type = "Modal.InitFailure", Message = "The container failed to start." };
                return new FunctionResult<T>(new RemoteException(
                    init.Type, $"The container failed to start: {init.Message}", init.StackTrace, functionName, inputId, init.Inner) { RetryCount = retryCount });
            case ResultStatus.Timeout:
                return new FunctionResult<T>(new FunctionTimeoutError(
                    $"The input{Where(functionName, inputId)} ran past its timeout{Detail(result.Error)}. " +
                    "Raise the function's Timeout setting, or split the work into smaller inputs."));
            case ResultStatus.Terminated:
                return new FunctionResult<T>(new ModalException(
                    $"The container running the input{Where(functionName, inputId)} stopped before it finished and no retries were left{Detail(result.Error)}. " +
                    "Check the function's logs for crashes or memory exhaustion, or give it Retries."));
            case ResultStatus.Cancelled:
                return new FunctionResult<T>(new InputCancellation(
                    $"The input{Where(functionName, inputId)} was cancelled before it finished{Detail(result.Error)}."));
            default:
                return new FunctionResult<T>(new ModalException(
                    $"The input{Where(functionName, inputId)} finished with status {result.Status}, which this SDK does not know. Use matching versions of the SDK and control plane."));
        }
    }

    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes, string? functionName)
    {
        try
        {
            return MessagePackSerializer.Deserialize<T>(bytes, ModalSerializer.Options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new InvalidError(
                $"The result of {(functionName is null ? "the call" : $"function '{functionName}'")} could not be read as {typeof(T).Name}: {ex.Message}. " +
                "The caller and the function must agree on the result type; rebuild both from the same source.", ex);
        }
    }

    public static RemoteException ToRemoteException(RemoteError? error, string? functionName, string? inputId, int retryCount = 0) =>
        error is null
            ? new RemoteException("System.Exception", "The function failed without reporting an error.", "", functionName, inputId) { RetryCount = retryCount }
            : new RemoteException(error.Type, error.Message, error.StackTrace, functionName, inputId, error.Inner) { RetryCount = retryCount };

    private static string Where(string? functionName, string? inputId) =>
        (functionName, inputId) switch
        {
            (null, null) => "",
            (null, _) => $" {inputId}",
            (_, null) => $" of function '{functionName}'",
            _ => $" {inputId} of function '{functionName}'",
        };

    private static string Detail(RemoteError? error) =>
        error is null || string.IsNullOrEmpty(error.Message) ? "" : $" ({error.Message})";
}
