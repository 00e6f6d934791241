using Modal.Protocol;

namespace Modal.Storage;

/// <summary>
/// Durable control-plane state: apps, functions, and spawned (ASYNC) calls with their inputs and outputs.
/// Synchronous calls never reach the store; they live in memory only so the remote-call path stays free of I/O.
/// </summary>
public interface IStateStore : IAsyncDisposable
{
    Task SaveAppAsync(StoredApp app, CancellationToken cancellationToken);

    Task SetAppStateAsync(string appId, AppState state, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredApp>> LoadAppsAsync(AppState state, CancellationToken cancellationToken);

    Task SaveFunctionAsync(StoredFunction function, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredFunction>> LoadFunctionsAsync(string appId, CancellationToken cancellationToken);

    /// <summary>Writes the call's summary and adds <paramref name="inputs"/> in one transaction.</summary>
    Task SaveInputsAsync(StoredCall call, IReadOnlyList<StoredInput> inputs, CancellationToken cancellationToken);

    /// <summary>Adds final outputs, marks their inputs done and writes the call's summary, in one transaction.</summary>
    Task SaveOutputsAsync(StoredCall call, IReadOnlyList<StoredOutput> outputs, CancellationToken cancellationToken);

    Task<StoredCall?> GetCallAsync(string callId, CancellationToken cancellationToken);

    /// <summary>Outputs with an entry id above <paramref name="afterEntryId"/>, in entry order.</summary>
    Task<IReadOnlyList<StoredOutput>> GetOutputsAsync(string callId, long afterEntryId, CancellationToken cancellationToken);

    /// <summary>Calls that are still running: inputs not complete or inputs without a final output.</summary>
    Task<IReadOnlyList<StoredCall>> LoadIncompleteCallsAsync(CancellationToken cancellationToken);

    /// <summary>Inputs of a call that have no final output yet.</summary>
    Task<IReadOnlyList<StoredInput>> LoadUnfinishedInputsAsync(string callId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the inputs and outputs of calls completed before <paramref name="completedBeforeMs"/> and marks them
    /// expired; the call rows stay so a late reader learns the results expired rather than that the call never existed.
    /// </summary>
    Task<int> PurgeExpiredAsync(long completedBeforeMs, CancellationToken cancellationToken);
}
