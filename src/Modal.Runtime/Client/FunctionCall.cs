namespace Modal;

/// <summary>A spawned call (<c>fc-…</c>) whose result can be fetched later, from any process.</summary>
public sealed class FunctionCall<T>
{
    internal FunctionCall(string objectId) => ObjectId = objectId;

    /// <summary>The call's id; pass it to <see cref="FunctionCall.FromId{T}(string)"/> elsewhere.</summary>
    public string ObjectId { get; }

    /// <summary>
    /// Waits for the result. <paramref name="timeout"/> null waits indefinitely, <see cref="TimeSpan.Zero"/> polls once.
    /// Throws <see cref="TimeoutException"/> when the call is not done in time, <see cref="OutputExpiredError"/> when its
    /// result is older than 7 days, and <see cref="RemoteException"/> when the function raised.
    /// </summary>
    public Task<T> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public override string ToString() => ObjectId;
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
