using Modal.Rules;

namespace Modal;

/// <summary>A spawned call (<c>fc-…</c>) whose result can be fetched later, from any process.</summary>
public sealed class FunctionCall<T>
{
    private readonly ModalClient? _client;
    private readonly string? _functionName;

    internal FunctionCall(string objectId) => ObjectId = objectId;

    internal FunctionCall(string objectId, ModalClient client, string functionName)
    {
        ObjectId = objectId;
        _client = client;
        _functionName = functionName;
    }

    /// <summary>The call's id; pass it to <see cref="FunctionCall.FromId{T}(string)"/> elsewhere.</summary>
    public string ObjectId { get; }

    /// <summary>
    /// Waits for the result. <paramref name="timeout"/> null waits indefinitely, <see cref="TimeSpan.Zero"/> polls once.
    /// Throws <see cref="TimeoutException"/> when the call is not done in time, <see cref="OutputExpiredError"/> when its
    /// result is older than 7 days, and <see cref="RemoteException"/> when the function raised.
    /// </summary>
    public async Task<T> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (timeout is { } t && t < TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be null (wait indefinitely), zero (poll once) or positive.");
        }

        var client = _client is { } own && !IsStale(own) ? own : ModalClient.ForCurrentContext();
        var info = await client.FunctionCallGetInfoAsync(ObjectId, cancellationToken).ConfigureAwait(false);
        if (info.Expired)
        {
            throw new OutputExpiredError(
                $"The result of call {ObjectId} has expired: results are kept for {ModalLimits.ResultRetentionDays} days after the call completes. Spawn the call again.");
        }

        if (timeout == TimeSpan.Zero && info.NumCompleted < Math.Max(1, info.NumInputs))
        {
            throw new TimeoutException($"Call {ObjectId} has not finished yet. Poll again later, or wait with a longer timeout.");
        }

        using var timeoutCts = timeout is { } wait && wait > TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource(wait)
            : null;
        using var linked = timeoutCts is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        FunctionResult<T> result;
        try
        {
            result = await UnaryOutput.WaitAsync<T>(client, ObjectId, _functionName, cancelOnAbandon: false, linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutCts is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Call {ObjectId} did not finish within {timeout}. Wait again with a longer timeout, or poll with TimeSpan.Zero.");
        }

        return result.Value;
    }

    /// <summary>
    /// Cancels the call: inputs not started yet end at once, and running ones are cancelled in their containers (an async
    /// function sees OperationCanceledException through its token; a synchronous one, InputCancellation). With
    /// <paramref name="terminateContainers"/> the containers running them are stopped too, and their other inputs are
    /// rescheduled on new containers. Waiting for the result afterwards raises <see cref="InputCancellation"/>.
    /// Cancelling a call that already finished does nothing.
    /// </summary>
    public async Task CancelAsync(bool terminateContainers = false, CancellationToken cancellationToken = default)
    {
        var client = _client is { } own && !IsStale(own) ? own : ModalClient.ForCurrentContext();
        await client.FunctionCallCancelAsync(ObjectId, terminateContainers, cancellationToken).ConfigureAwait(false);
    }

    public override string ToString() => ObjectId;

    // A call spawned under an app that has since stopped can still be read through whatever connection is current now.
    private static bool IsStale(ModalClient client) => client.IsDisposed;
}

/// <summary>Finds calls by id.</summary>
public static class FunctionCall
{
    /// <summary>A handle to a call made by any process; results are deserialized with the registered app formatters.</summary>
    public static FunctionCall<T> FromId<T>(string functionCallId)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionCallId);
        if (!functionCallId.StartsWith("fc-", StringComparison.Ordinal))
        {
            throw new InvalidError($"'{functionCallId}' is not a function call id; ids of calls start with 'fc-'.");
        }

        return new FunctionCall<T>(functionCallId);
    }
}
