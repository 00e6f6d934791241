using Modal.Dispatch;

namespace Modal;

// The bases of generated function handles, one per arity like Func and Action. Each writes the verbs whose parameters
// need no names once for every function of its arity: MapAsync (with orderOutputs and returnExceptions), StarmapAsync and
// SpawnMapAsync. A generated handle adds RemoteAsync, SpawnAsync and Local with the user's parameter names. Functions
// with more parameters than FunctionInvokers.MaxArity get generated map verbs over FunctionHandleBase instead.
// The bases are not abstract (their constructors are protected, which is what keeps them from being created): for each
// class derived from an abstract class the compiler lists the abstract members of every base, which cost an app with
// hundreds of handle classes a pass over all these members per class in each build.


/// <summary>
/// Base of the generated handle of a function without parameters.
/// </summary>
public class FunctionHandle<TResult> : FunctionHandleBase<ModalArgs, TResult>
{
    /// <param name="appName">The app the function belongs to.</param>
    /// <param name="functionName">The function's name in the manifest.</param>
    protected FunctionHandle(string appName, string functionName)
        : base(appName, functionName)
    {
    }

    /// <param name="appName">The app the class belongs to.</param>
    /// <param name="className">The class's name in the manifest.</param>
    /// <param name="methodName">The [Method] this handle calls.</param>
    /// <param name="classParameters">The class's serialized parameter record: which pool the calls go to.</param>
    protected FunctionHandle(string appName, string className, string methodName, byte[] classParameters)
        : base(appName, className, methodName, classParameters)
    {
    }

    /// <summary>Runs the function remotely once with these arguments.</summary>
    protected Task<TResult> RemoteCoreAsync(CancellationToken cancellationToken) =>
        RemoteCoreAsync(ModalArgs.Empty, cancellationToken);

    /// <summary>Starts the function with these arguments without waiting.</summary>
    protected Task<FunctionCall<TResult>> SpawnCoreAsync(CancellationToken cancellationToken) =>
        SpawnCoreAsync(ModalArgs.Empty, cancellationToken);
}

/// <summary>
/// Base of the generated handle of a function with 1 parameter (besides a CancellationToken).
/// </summary>
public class FunctionHandle<T1, TResult> : FunctionHandleBase<ModalArgs<T1>, TResult>
{
    /// <param name="appName">The app the function belongs to.</param>
    /// <param name="functionName">The function's name in the manifest.</param>
    protected FunctionHandle(string appName, string functionName)
        : base(appName, functionName)
    {
    }

    /// <param name="appName">The app the class belongs to.</param>
    /// <param name="className">The class's name in the manifest.</param>
    /// <param name="methodName">The [Method] this handle calls.</param>
    /// <param name="classParameters">The class's serialized parameter record: which pool the calls go to.</param>
    protected FunctionHandle(string appName, string className, string methodName, byte[] classParameters)
        : base(appName, className, methodName, classParameters)
    {
    }

    /// <summary>Runs the function over every input in parallel; results come in input order unless <paramref name="orderOutputs"/> is false. The first failure is thrown.</summary>
    public IAsyncEnumerable<TResult> MapAsync(IEnumerable<T1> inputs, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapCoreAsync(Zip(inputs, Create), orderOutputs, cancellationToken);

    /// <summary>Like MapAsync; with <paramref name="returnExceptions"/> true a failed input yields its error as a value instead of ending the map.</summary>
    public IAsyncEnumerable<FunctionResult<TResult>> MapAsync(IEnumerable<T1> inputs, bool returnExceptions, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapResultsCoreAsync(Zip(inputs, Create), returnExceptions, orderOutputs, cancellationToken);

    /// <summary>Runs the function over an asynchronous source of inputs, sending each as it arrives.</summary>
    public IAsyncEnumerable<TResult> MapAsync(IAsyncEnumerable<T1> inputs, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapCoreAsync(Select(inputs, Create, cancellationToken), orderOutputs, cancellationToken);

    /// <summary>Submits every input without waiting for results; returns once all are accepted.</summary>
    public Task SpawnMapAsync(IEnumerable<T1> inputs, CancellationToken cancellationToken = default) =>
        SpawnMapCoreAsync(Zip(inputs, Create), cancellationToken);

    /// <summary>Runs the function remotely once with these arguments.</summary>
    protected Task<TResult> RemoteCoreAsync(T1 item1, CancellationToken cancellationToken) =>
        RemoteCoreAsync(new ModalArgs<T1>(item1), cancellationToken);

    /// <summary>Starts the function with these arguments without waiting.</summary>
    protected Task<FunctionCall<TResult>> SpawnCoreAsync(T1 item1, CancellationToken cancellationToken) =>
        SpawnCoreAsync(new ModalArgs<T1>(item1), cancellationToken);

    private static ModalArgs<T1> Create(T1 item1) => new ModalArgs<T1>(item1);
}

/// <summary>
/// Base of the generated handle of a function with 2 parameters (besides a CancellationToken).
/// </summary>
public class FunctionHandle<T1, T2, TResult> : FunctionHandleBase<ModalArgs<T1, T2>, TResult>
{
    /// <param name="appName">The app the function belongs to.</param>
    /// <param name="functionName">The function's name in the manifest.</param>
    protected FunctionHandle(string appName, string functionName)
        : base(appName, functionName)
    {
    }

    /// <param name="appName">The app the class belongs to.</param>
    /// <param name="className">The class's name in the manifest.</param>
    /// <param name="methodName">The [Method] this handle calls.</param>
    /// <param name="classParameters">The class's serialized parameter record: which pool the calls go to.</param>
    protected FunctionHandle(string appName, string className, string methodName, byte[] classParameters)
        : base(appName, className, methodName, classParameters)
    {
    }

    /// <summary>Runs the function over the inputs zipped (the shortest sequence ends the map) in parallel; results come in input order unless <paramref name="orderOutputs"/> is false. The first failure is thrown.</summary>
    public IAsyncEnumerable<TResult> MapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapCoreAsync(Zip(inputs1, inputs2, Create), orderOutputs, cancellationToken);

    /// <summary>Like MapAsync; with <paramref name="returnExceptions"/> true a failed input yields its error as a value instead of ending the map.</summary>
    public IAsyncEnumerable<FunctionResult<TResult>> MapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, bool returnExceptions, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapResultsCoreAsync(Zip(inputs1, inputs2, Create), returnExceptions, orderOutputs, cancellationToken);

    /// <summary>Runs the function once per tuple of arguments, in parallel; results come in input order unless <paramref name="orderOutputs"/> is false.</summary>
    public IAsyncEnumerable<TResult> StarmapAsync(IEnumerable<(T1, T2)> inputs, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapCoreAsync(Star(inputs, Create), orderOutputs, cancellationToken);

    /// <summary>Submits every input without waiting for results; returns once all are accepted.</summary>
    public Task SpawnMapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, CancellationToken cancellationToken = default) =>
        SpawnMapCoreAsync(Zip(inputs1, inputs2, Create), cancellationToken);

    /// <summary>Runs the function remotely once with these arguments.</summary>
    protected Task<TResult> RemoteCoreAsync(T1 item1, T2 item2, CancellationToken cancellationToken) =>
        RemoteCoreAsync(new ModalArgs<T1, T2>(item1, item2), cancellationToken);

    /// <summary>Starts the function with these arguments without waiting.</summary>
    protected Task<FunctionCall<TResult>> SpawnCoreAsync(T1 item1, T2 item2, CancellationToken cancellationToken) =>
        SpawnCoreAsync(new ModalArgs<T1, T2>(item1, item2), cancellationToken);

    private static ModalArgs<T1, T2> Create(T1 item1, T2 item2) => new ModalArgs<T1, T2>(item1, item2);
}

/// <summary>
/// Base of the generated handle of a function with 3 parameters (besides a CancellationToken).
/// </summary>
public class FunctionHandle<T1, T2, T3, TResult> : FunctionHandleBase<ModalArgs<T1, T2, T3>, TResult>
{
    /// <param name="appName">The app the function belongs to.</param>
    /// <param name="functionName">The function's name in the manifest.</param>
    protected FunctionHandle(string appName, string functionName)
        : base(appName, functionName)
    {
    }

    /// <param name="appName">The app the class belongs to.</param>
    /// <param name="className">The class's name in the manifest.</param>
    /// <param name="methodName">The [Method] this handle calls.</param>
    /// <param name="classParameters">The class's serialized parameter record: which pool the calls go to.</param>
    protected FunctionHandle(string appName, string className, string methodName, byte[] classParameters)
        : base(appName, className, methodName, classParameters)
    {
    }

    /// <summary>Runs the function over the inputs zipped (the shortest sequence ends the map) in parallel; results come in input order unless <paramref name="orderOutputs"/> is false. The first failure is thrown.</summary>
    public IAsyncEnumerable<TResult> MapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, IEnumerable<T3> inputs3, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapCoreAsync(Zip(inputs1, inputs2, inputs3, Create), orderOutputs, cancellationToken);

    /// <summary>Like MapAsync; with <paramref name="returnExceptions"/> true a failed input yields its error as a value instead of ending the map.</summary>
    public IAsyncEnumerable<FunctionResult<TResult>> MapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, IEnumerable<T3> inputs3, bool returnExceptions, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapResultsCoreAsync(Zip(inputs1, inputs2, inputs3, Create), returnExceptions, orderOutputs, cancellationToken);

    /// <summary>Runs the function once per tuple of arguments, in parallel; results come in input order unless <paramref name="orderOutputs"/> is false.</summary>
    public IAsyncEnumerable<TResult> StarmapAsync(IEnumerable<(T1, T2, T3)> inputs, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapCoreAsync(Star(inputs, Create), orderOutputs, cancellationToken);

    /// <summary>Submits every input without waiting for results; returns once all are accepted.</summary>
    public Task SpawnMapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, IEnumerable<T3> inputs3, CancellationToken cancellationToken = default) =>
        SpawnMapCoreAsync(Zip(inputs1, inputs2, inputs3, Create), cancellationToken);

    /// <summary>Runs the function remotely once with these arguments.</summary>
    protected Task<TResult> RemoteCoreAsync(T1 item1, T2 item2, T3 item3, CancellationToken cancellationToken) =>
        RemoteCoreAsync(new ModalArgs<T1, T2, T3>(item1, item2, item3), cancellationToken);

    /// <summary>Starts the function with these arguments without waiting.</summary>
    protected Task<FunctionCall<TResult>> SpawnCoreAsync(T1 item1, T2 item2, T3 item3, CancellationToken cancellationToken) =>
        SpawnCoreAsync(new ModalArgs<T1, T2, T3>(item1, item2, item3), cancellationToken);

    private static ModalArgs<T1, T2, T3> Create(T1 item1, T2 item2, T3 item3) => new ModalArgs<T1, T2, T3>(item1, item2, item3);
}

/// <summary>
/// Base of the generated handle of a function with 4 parameters (besides a CancellationToken).
/// </summary>
public class FunctionHandle<T1, T2, T3, T4, TResult> : FunctionHandleBase<ModalArgs<T1, T2, T3, T4>, TResult>
{
    /// <param name="appName">The app the function belongs to.</param>
    /// <param name="functionName">The function's name in the manifest.</param>
    protected FunctionHandle(string appName, string functionName)
        : base(appName, functionName)
    {
    }

    /// <param name="appName">The app the class belongs to.</param>
    /// <param name="className">The class's name in the manifest.</param>
    /// <param name="methodName">The [Method] this handle calls.</param>
    /// <param name="classParameters">The class's serialized parameter record: which pool the calls go to.</param>
    protected FunctionHandle(string appName, string className, string methodName, byte[] classParameters)
        : base(appName, className, methodName, classParameters)
    {
    }

    /// <summary>Runs the function over the inputs zipped (the shortest sequence ends the map) in parallel; results come in input order unless <paramref name="orderOutputs"/> is false. The first failure is thrown.</summary>
    public IAsyncEnumerable<TResult> MapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, IEnumerable<T3> inputs3, IEnumerable<T4> inputs4, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapCoreAsync(Zip(inputs1, inputs2, inputs3, inputs4, Create), orderOutputs, cancellationToken);

    /// <summary>Like MapAsync; with <paramref name="returnExceptions"/> true a failed input yields its error as a value instead of ending the map.</summary>
    public IAsyncEnumerable<FunctionResult<TResult>> MapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, IEnumerable<T3> inputs3, IEnumerable<T4> inputs4, bool returnExceptions, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapResultsCoreAsync(Zip(inputs1, inputs2, inputs3, inputs4, Create), returnExceptions, orderOutputs, cancellationToken);

    /// <summary>Runs the function once per tuple of arguments, in parallel; results come in input order unless <paramref name="orderOutputs"/> is false.</summary>
    public IAsyncEnumerable<TResult> StarmapAsync(IEnumerable<(T1, T2, T3, T4)> inputs, bool orderOutputs = true, CancellationToken cancellationToken = default) =>
        MapCoreAsync(Star(inputs, Create), orderOutputs, cancellationToken);

    /// <summary>Submits every input without waiting for results; returns once all are accepted.</summary>
    public Task SpawnMapAsync(IEnumerable<T1> inputs1, IEnumerable<T2> inputs2, IEnumerable<T3> inputs3, IEnumerable<T4> inputs4, CancellationToken cancellationToken = default) =>
        SpawnMapCoreAsync(Zip(inputs1, inputs2, inputs3, inputs4, Create), cancellationToken);

    /// <summary>Runs the function remotely once with these arguments.</summary>
    protected Task<TResult> RemoteCoreAsync(T1 item1, T2 item2, T3 item3, T4 item4, CancellationToken cancellationToken) =>
        RemoteCoreAsync(new ModalArgs<T1, T2, T3, T4>(item1, item2, item3, item4), cancellationToken);

    /// <summary>Starts the function with these arguments without waiting.</summary>
    protected Task<FunctionCall<TResult>> SpawnCoreAsync(T1 item1, T2 item2, T3 item3, T4 item4, CancellationToken cancellationToken) =>
        SpawnCoreAsync(new ModalArgs<T1, T2, T3, T4>(item1, item2, item3, item4), cancellationToken);

    private static ModalArgs<T1, T2, T3, T4> Create(T1 item1, T2 item2, T3 item3, T4 item4) => new ModalArgs<T1, T2, T3, T4>(item1, item2, item3, item4);
}
