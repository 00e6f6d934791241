using MessagePack;

namespace Modal;

/// <summary>
/// Base of every generated function handle. <typeparamref name="TArgs"/> is the generated argument record of the
/// function; <typeparamref name="TResult"/> its result (<c>MessagePack.Nil</c> for functions that return nothing).
/// The generated subclass exposes typed verbs with the user's parameter names and forwards to the core methods here.
/// </summary>
public abstract class FunctionHandle<TArgs, TResult>
{
    /// <param name="appName">The app the function belongs to.</param>
    /// <param name="functionName">The function's name in the manifest.</param>
    protected FunctionHandle(string appName, string functionName)
    {
        AppName = appName;
        FunctionName = functionName;
    }

    public string AppName { get; }

    public string FunctionName { get; }

    /// <summary>Runs the function remotely once and returns its result.</summary>
    protected Task<TResult> RemoteCoreAsync(TArgs args, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Runs the function over every input; results come in input order unless <paramref name="orderOutputs"/> is false.
    /// The first failure is thrown.</summary>
    protected IAsyncEnumerable<TResult> MapCoreAsync(IEnumerable<TArgs> inputs, bool orderOutputs, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Like <see cref="MapCoreAsync(IEnumerable{TArgs}, bool, CancellationToken)"/> over an asynchronous source.</summary>
    protected IAsyncEnumerable<TResult> MapCoreAsync(IAsyncEnumerable<TArgs> inputs, bool orderOutputs, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Map that yields failures as values (<c>return_exceptions=True</c>).</summary>
    protected IAsyncEnumerable<FunctionResult<TResult>> MapResultsCoreAsync(IEnumerable<TArgs> inputs, bool orderOutputs, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Starts the function without waiting; the inputs and result are stored durably.</summary>
    protected Task<FunctionCall<TResult>> SpawnCoreAsync(TArgs args, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Submits every input and returns once all are accepted (fire-and-forget).</summary>
    protected Task SpawnMapCoreAsync(IEnumerable<TArgs> inputs, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>A handle to an earlier call of this function by its <c>fc-</c> id.</summary>
    public FunctionCall<TResult> CallFromId(string functionCallId) => FunctionCall.FromId<TResult>(functionCallId);
}
