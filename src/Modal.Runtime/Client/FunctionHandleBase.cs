using System.Runtime.CompilerServices;
using MessagePack;
using Modal.Dispatch;
using Modal.Protocol;

namespace Modal;

/// <summary>
/// Base of every generated function handle. <typeparamref name="TArgs"/> is the function's argument container (a
/// <see cref="ModalArgs{T1}"/> of its parameter types, or a generated record past <see cref="FunctionInvokers.MaxArity"/>
/// parameters); <typeparamref name="TResult"/> its result (<c>MessagePack.Nil</c> for functions that return nothing), or
/// for a generator the type of its items. Handles of ordinary functions derive from the arity family
/// <see cref="FunctionHandle{T1, TResult}"/>, which adds the map verbs; the generated subclass adds only the verbs that
/// carry the user's parameter names and forwards to the core methods here. A handle of a [Cls] method also carries its
/// class's name and parameter values: its calls go to the pool of those values. Not abstract, for the reason given in
/// FunctionHandle.cs; the constructors are protected.
/// </summary>
public class FunctionHandleBase<TArgs, TResult>
{
    private readonly string _lookupName;
    private readonly string _methodName = "";
    private readonly byte[]? _classParameters;

    /// <param name="appName">The app the function belongs to.</param>
    /// <param name="functionName">The function's name in the manifest.</param>
    protected FunctionHandleBase(string appName, string functionName)
    {
        AppName = appName;
        FunctionName = functionName;
        _lookupName = functionName;
    }

    /// <param name="appName">The app the class belongs to.</param>
    /// <param name="className">The class's name in the manifest.</param>
    /// <param name="methodName">The [Method] this handle calls.</param>
    /// <param name="classParameters">The class's serialized parameter record: which pool the calls go to.</param>
    protected FunctionHandleBase(string appName, string className, string methodName, byte[] classParameters)
    {
        ArgumentNullException.ThrowIfNull(classParameters);
        AppName = appName;
        FunctionName = $"{className}.{methodName}";
        _lookupName = className;
        _methodName = methodName;
        _classParameters = classParameters;
    }

    public string AppName { get; }

    /// <summary>The function's name, or <c>Class.Method</c> for a method of a [Cls] class.</summary>
    public string FunctionName { get; }

    /// <summary>
    /// The URL of this web endpoint on the control plane's gateway (the reference's <c>get_web_url</c>), for the app
    /// running in this process. Throws <see cref="InvalidError"/> when the function is not a web function, or when the
    /// app does not run in this process (then <see cref="GetWebUrlAsync"/> asks the control plane).
    /// </summary>
    public string GetWebUrl()
    {
        if (AppRun.Current is { IsStopped: false } run && run.AppName == AppName && run.FunctionIds.ContainsKey(_lookupName))
        {
            return _classParameters is null && run.WebUrls.TryGetValue(_lookupName, out var url) ? url : throw Function.NotWeb(AppName, FunctionName);
        }

        throw new InvalidError(
            $"App '{AppName}' does not run in this process, so the web URL of '{FunctionName}' is not known here; " +
            "await GetWebUrlAsync(), which looks it up on the control plane.");
    }

    /// <summary>
    /// The URL of this web endpoint on the control plane's gateway: from the app running in this process, else looked up
    /// on the control plane (a deployed app). Throws <see cref="InvalidError"/> when the function is not a web function.
    /// </summary>
    public Task<string> GetWebUrlAsync(CancellationToken cancellationToken = default) =>
        _classParameters is null
            ? Function.WebUrlAsync(AppName, FunctionName, _lookupName, cancellationToken)
            : Task.FromException<string>(Function.NotWeb(AppName, FunctionName));

    /// <summary>Runs the function remotely once and returns its result.</summary>
    protected async Task<TResult> RemoteCoreAsync(TArgs args, CancellationToken cancellationToken)
    {
        var (client, callId) = await StartUnaryAsync(args, FunctionCallInvocationType.Sync, cancellationToken).ConfigureAwait(false);
        var result = await UnaryOutput.WaitAsync<TResult>(client, callId, FunctionName, cancelOnAbandon: true, cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>
    /// Runs a generator function remotely and yields its items as the function produces them (Modal's remote_gen). The
    /// function runs only as far ahead of this enumeration as a small window allows. Leaving the loop early, or cancelling,
    /// cancels the call. A failure of the function is thrown after the items it produced before failing.
    /// </summary>
    protected async IAsyncEnumerable<TResult> RemoteGenCoreAsync(TArgs args, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (client, callId) = await StartUnaryAsync(args, FunctionCallInvocationType.Sync, cancellationToken).ConfigureAwait(false);
        var ended = false;
        try
        {
            long next = 0;
            while (true)
            {
                // Asking for `next` tells the control plane everything before it was consumed, which makes room for more.
                var response = await client.FunctionGetGeneratorItemsAsync(callId, next, cancellationToken).ConfigureAwait(false);
                foreach (var item in response.Items)
                {
                    var bytes = await Payloads.DecodeAsync(item.Value, client, cancellationToken).ConfigureAwait(false);
                    next = item.Index + 1;
                    yield return ResultDecoder.Deserialize<TResult>(bytes, FunctionName);
                }

                if (response.Done)
                {
                    break;
                }
            }

            var final = await UnaryOutput.WaitAsync<Nil>(client, callId, FunctionName, cancelOnAbandon: true, cancellationToken).ConfigureAwait(false);
            ended = true;
            _ = final.Value;
        }
        finally
        {
            if (!ended)
            {
                await client.TryCancelCallAsync(callId).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs the function over every input; results come in input order unless <paramref name="orderOutputs"/> is false.
    /// The first failure is thrown.</summary>
    protected IAsyncEnumerable<TResult> MapCoreAsync(IEnumerable<TArgs> inputs, bool orderOutputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return MapCoreAsync(ToAsync(inputs), orderOutputs, cancellationToken);
    }

    /// <summary>Like <see cref="MapCoreAsync(IEnumerable{TArgs}, bool, CancellationToken)"/> over an asynchronous source.</summary>
    protected IAsyncEnumerable<TResult> MapCoreAsync(IAsyncEnumerable<TArgs> inputs, bool orderOutputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return MapValuesAsync(inputs, orderOutputs, cancellationToken);
    }

    /// <summary>Map that yields failures as values (<c>return_exceptions=True</c>).</summary>
    protected IAsyncEnumerable<FunctionResult<TResult>> MapResultsCoreAsync(IEnumerable<TArgs> inputs, bool orderOutputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return MapResultsAsync(ToAsync(inputs), orderOutputs, throwOnFailure: false, cancellationToken);
    }

    /// <summary>Starts the function without waiting; the inputs and result are stored durably.</summary>
    protected async Task<FunctionCall<TResult>> SpawnCoreAsync(TArgs args, CancellationToken cancellationToken)
    {
        var (client, callId) = await StartUnaryAsync(args, FunctionCallInvocationType.Async, cancellationToken).ConfigureAwait(false);
        return new FunctionCall<TResult>(callId, client, FunctionName);
    }

    /// <summary>Submits every input and returns once all are accepted (fire-and-forget).</summary>
    protected async Task SpawnMapCoreAsync(IEnumerable<TArgs> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (client, functionId) = await ResolveAsync(cancellationToken).ConfigureAwait(false);
        await using var sender = new InputSender<TArgs>(client, ToAsync(inputs), window: null, cancellationToken);
        var (first, complete) = await sender.NextChunkAsync(cancellationToken).ConfigureAwait(false);
        if (first.Count == 0 && complete)
        {
            return;
        }

        var request = new FunctionMapRequest
        {
            FunctionId = functionId,
            CallType = FunctionCallType.Map,
            InvocationType = FunctionCallInvocationType.Async,
            InputsComplete = complete,
            ReturnExceptions = true,
            MethodName = _methodName,
        };
        request.PipelinedInputs.AddRange(first);
        var created = await InputSender<TArgs>.WithBackoffAsync(ct => client.FunctionMapAsync(request, ct), cancellationToken).ConfigureAwait(false);
        while (!complete)
        {
            List<FunctionInput> chunk;
            (chunk, complete) = await sender.NextChunkAsync(cancellationToken).ConfigureAwait(false);
            var put = new FunctionPutInputsRequest { FunctionCallId = created.FunctionCallId, InputsComplete = complete };
            put.Inputs.AddRange(chunk);
            await InputSender<TArgs>.WithBackoffAsync(ct => client.FunctionPutInputsAsync(put, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The argument records of a map: the input sequences zipped, stopping at the shortest. Null sequences fail here, at the call, under the caller's parameter name.</summary>
    protected static IEnumerable<TArgs> Zip<T1>(IEnumerable<T1> x1, Func<T1, TArgs> create, [CallerArgumentExpression(nameof(x1))] string? x1Name = null)
    {
        ArgumentNullException.ThrowIfNull(x1, x1Name);
        ArgumentNullException.ThrowIfNull(create);
        return ZipIterator(x1, create);
    }

    private static IEnumerable<TArgs> ZipIterator<T1>(IEnumerable<T1> x1, Func<T1, TArgs> create)
    {
        using var e1 = x1.GetEnumerator();
        while (e1.MoveNext())
        {
            yield return create(e1.Current);
        }
    }

    /// <summary>The argument records of a map: the input sequences zipped, stopping at the shortest. Null sequences fail here, at the call, under the caller's parameter name.</summary>
    protected static IEnumerable<TArgs> Zip<T1, T2>(IEnumerable<T1> x1, IEnumerable<T2> x2, Func<T1, T2, TArgs> create, [CallerArgumentExpression(nameof(x1))] string? x1Name = null, [CallerArgumentExpression(nameof(x2))] string? x2Name = null)
    {
        ArgumentNullException.ThrowIfNull(x1, x1Name);
        ArgumentNullException.ThrowIfNull(x2, x2Name);
        ArgumentNullException.ThrowIfNull(create);
        return ZipIterator(x1, x2, create);
    }

    private static IEnumerable<TArgs> ZipIterator<T1, T2>(IEnumerable<T1> x1, IEnumerable<T2> x2, Func<T1, T2, TArgs> create)
    {
        using var e1 = x1.GetEnumerator();
        using var e2 = x2.GetEnumerator();
        while (e1.MoveNext() && e2.MoveNext())
        {
            yield return create(e1.Current, e2.Current);
        }
    }

    /// <summary>The argument records of a map: the input sequences zipped, stopping at the shortest. Null sequences fail here, at the call, under the caller's parameter name.</summary>
    protected static IEnumerable<TArgs> Zip<T1, T2, T3>(IEnumerable<T1> x1, IEnumerable<T2> x2, IEnumerable<T3> x3, Func<T1, T2, T3, TArgs> create, [CallerArgumentExpression(nameof(x1))] string? x1Name = null, [CallerArgumentExpression(nameof(x2))] string? x2Name = null, [CallerArgumentExpression(nameof(x3))] string? x3Name = null)
    {
        ArgumentNullException.ThrowIfNull(x1, x1Name);
        ArgumentNullException.ThrowIfNull(x2, x2Name);
        ArgumentNullException.ThrowIfNull(x3, x3Name);
        ArgumentNullException.ThrowIfNull(create);
        return ZipIterator(x1, x2, x3, create);
    }

    private static IEnumerable<TArgs> ZipIterator<T1, T2, T3>(IEnumerable<T1> x1, IEnumerable<T2> x2, IEnumerable<T3> x3, Func<T1, T2, T3, TArgs> create)
    {
        using var e1 = x1.GetEnumerator();
        using var e2 = x2.GetEnumerator();
        using var e3 = x3.GetEnumerator();
        while (e1.MoveNext() && e2.MoveNext() && e3.MoveNext())
        {
            yield return create(e1.Current, e2.Current, e3.Current);
        }
    }

    /// <summary>The argument records of a map: the input sequences zipped, stopping at the shortest. Null sequences fail here, at the call, under the caller's parameter name.</summary>
    protected static IEnumerable<TArgs> Zip<T1, T2, T3, T4>(IEnumerable<T1> x1, IEnumerable<T2> x2, IEnumerable<T3> x3, IEnumerable<T4> x4, Func<T1, T2, T3, T4, TArgs> create, [CallerArgumentExpression(nameof(x1))] string? x1Name = null, [CallerArgumentExpression(nameof(x2))] string? x2Name = null, [CallerArgumentExpression(nameof(x3))] string? x3Name = null, [CallerArgumentExpression(nameof(x4))] string? x4Name = null)
    {
        ArgumentNullException.ThrowIfNull(x1, x1Name);
        ArgumentNullException.ThrowIfNull(x2, x2Name);
        ArgumentNullException.ThrowIfNull(x3, x3Name);
        ArgumentNullException.ThrowIfNull(x4, x4Name);
        ArgumentNullException.ThrowIfNull(create);
        return ZipIterator(x1, x2, x3, x4, create);
    }

    private static IEnumerable<TArgs> ZipIterator<T1, T2, T3, T4>(IEnumerable<T1> x1, IEnumerable<T2> x2, IEnumerable<T3> x3, IEnumerable<T4> x4, Func<T1, T2, T3, T4, TArgs> create)
    {
        using var e1 = x1.GetEnumerator();
        using var e2 = x2.GetEnumerator();
        using var e3 = x3.GetEnumerator();
        using var e4 = x4.GetEnumerator();
        while (e1.MoveNext() && e2.MoveNext() && e3.MoveNext() && e4.MoveNext())
        {
            yield return create(e1.Current, e2.Current, e3.Current, e4.Current);
        }
    }

    /// <summary>The argument records of a starmap: one per tuple.</summary>
    protected static IEnumerable<TArgs> Star<T1, T2>(IEnumerable<(T1, T2)> inputs, Func<T1, T2, TArgs> create)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(create);
        return StarIterator(inputs, create);
    }

    private static IEnumerable<TArgs> StarIterator<T1, T2>(IEnumerable<(T1, T2)> inputs, Func<T1, T2, TArgs> create)
    {
        foreach (var input in inputs)
        {
            yield return create(input.Item1, input.Item2);
        }
    }

    /// <summary>The argument records of a starmap: one per tuple.</summary>
    protected static IEnumerable<TArgs> Star<T1, T2, T3>(IEnumerable<(T1, T2, T3)> inputs, Func<T1, T2, T3, TArgs> create)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(create);
        return StarIterator(inputs, create);
    }

    private static IEnumerable<TArgs> StarIterator<T1, T2, T3>(IEnumerable<(T1, T2, T3)> inputs, Func<T1, T2, T3, TArgs> create)
    {
        foreach (var input in inputs)
        {
            yield return create(input.Item1, input.Item2, input.Item3);
        }
    }

    /// <summary>The argument records of a starmap: one per tuple.</summary>
    protected static IEnumerable<TArgs> Star<T1, T2, T3, T4>(IEnumerable<(T1, T2, T3, T4)> inputs, Func<T1, T2, T3, T4, TArgs> create)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(create);
        return StarIterator(inputs, create);
    }

    private static IEnumerable<TArgs> StarIterator<T1, T2, T3, T4>(IEnumerable<(T1, T2, T3, T4)> inputs, Func<T1, T2, T3, T4, TArgs> create)
    {
        foreach (var input in inputs)
        {
            yield return create(input.Item1, input.Item2, input.Item3, input.Item4);
        }
    }

    /// <summary>The argument records of a map over an asynchronous source. A null source fails here, at the call, under the caller's parameter name.</summary>
    protected static IAsyncEnumerable<TArgs> Select<T1>(IAsyncEnumerable<T1> x1, Func<T1, TArgs> create, CancellationToken cancellationToken, [CallerArgumentExpression(nameof(x1))] string? x1Name = null)
    {
        ArgumentNullException.ThrowIfNull(x1, x1Name);
        ArgumentNullException.ThrowIfNull(create);
        return SelectIterator(x1, create, cancellationToken);
    }

    private static async IAsyncEnumerable<TArgs> SelectIterator<T1>(IAsyncEnumerable<T1> x1, Func<T1, TArgs> create, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in x1.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return create(item);
        }
    }

    /// <summary>
    /// Map for the <c>returnExceptions</c> overload: failures as values when it is true; otherwise the first failure is
    /// thrown as by <see cref="MapCoreAsync(IEnumerable{TArgs}, bool, CancellationToken)"/> and the values come wrapped.
    /// </summary>
    protected IAsyncEnumerable<FunctionResult<TResult>> MapResultsCoreAsync(IEnumerable<TArgs> inputs, bool returnExceptions, bool orderOutputs, CancellationToken cancellationToken) =>
        returnExceptions
            ? MapResultsCoreAsync(inputs, orderOutputs, cancellationToken)
            : AsResults(MapCoreAsync(inputs, orderOutputs, cancellationToken), cancellationToken);

    /// <summary>Wraps each value as a successful <see cref="FunctionResult{T}"/>.</summary>
    protected static async IAsyncEnumerable<FunctionResult<TResult>> AsResults(IAsyncEnumerable<TResult> results, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var result in results.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new FunctionResult<TResult>(result);
        }
    }

    /// <summary>A handle to an earlier call of this function by its <c>fc-</c> id.</summary>
    public FunctionCall<TResult> CallFromId(string functionCallId) => FunctionCall.FromId<TResult>(functionCallId);

    private async IAsyncEnumerable<TResult> MapValuesAsync(IAsyncEnumerable<TArgs> inputs, bool orderOutputs, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var result in MapResultsAsync(inputs, orderOutputs, throwOnFailure: true, cancellationToken).ConfigureAwait(false))
        {
            yield return result.Value;
        }
    }

    private async IAsyncEnumerable<FunctionResult<TResult>> MapResultsAsync(
        IAsyncEnumerable<TArgs> inputs,
        bool orderOutputs,
        bool throwOnFailure,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (client, functionId) = await ResolveAsync(cancellationToken).ConfigureAwait(false);
        var map = new MapInvocation<TArgs, TResult>(client, functionId, FunctionName, _methodName);
        await foreach (var result in map.RunAsync(inputs, orderOutputs, throwOnFailure, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    /// <summary>Creates a call holding this one input (remote, remote_gen and spawn all start this way).</summary>
    private async Task<(ModalClient Client, string CallId)> StartUnaryAsync(TArgs args, FunctionCallInvocationType invocationType, CancellationToken cancellationToken)
    {
        var (client, functionId) = await ResolveAsync(cancellationToken).ConfigureAwait(false);
        var request = new FunctionMapRequest
        {
            FunctionId = functionId,
            CallType = FunctionCallType.Unary,
            InvocationType = invocationType,
            InputsComplete = true,
            MethodName = _methodName,
        };
        request.PipelinedInputs.Add(await EncodeAsync(client, args, cancellationToken).ConfigureAwait(false));
        var created = await client.FunctionMapAsync(request, cancellationToken).ConfigureAwait(false);
        return (client, created.FunctionCallId);
    }

    private static async ValueTask<FunctionInput> EncodeAsync(ModalClient client, TArgs args, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = MessagePackSerializer.Serialize(args, ModalSerializer.Options, cancellationToken);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new InvalidError(
                $"The arguments could not be serialized: {ex.Message}. Every argument type must be one the Modal generator " +
                "emitted a formatter for (primitives, collections, and types used in function signatures).", ex);
        }

        return new FunctionInput { Idx = 0, Args = await Payloads.EncodeAsync(bytes, client, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// The connection and function id to call: the running app's own functions come from its AppCreate answer; functions
    /// of other apps, or calls made where no app runs but MODAL_SERVER_URL is set (inside a container), are looked up by name.
    /// A [Cls] method's calls go to the pool its class's parameters are bound to.
    /// </summary>
    private ValueTask<(ModalClient Client, string FunctionId)> ResolveAsync(CancellationToken cancellationToken)
    {
        var run = AppRun.Current;
        if (run is { IsStopped: false })
        {
            if (string.Equals(run.AppName, AppName, StringComparison.Ordinal) && run.FunctionIds.TryGetValue(_lookupName, out var id))
            {
                return _classParameters is null
                    ? new ValueTask<(ModalClient, string)>((run.Client, id))
                    : BindAsync(run.Client, id, cancellationToken);
            }

            return LookUpAsync(run.Client, cancellationToken);
        }

        var client = ModalClient.FromEnvironment() ?? throw new InvalidError(
            $"Function '{FunctionName}' of app '{AppName}' cannot be called because no Modal app is running in this process. " +
            $"Start the app first with `await using var run = await <class of [App(\"{AppName}\")]>.RunAsync();`, run the app's " +
            "[LocalEntrypoint], or set MODAL_SERVER_URL to a control plane where the app is deployed.");
        return LookUpAsync(client, cancellationToken);
    }

    private async ValueTask<(ModalClient Client, string FunctionId)> LookUpAsync(ModalClient client, CancellationToken cancellationToken)
    {
        var id = await client.GetFunctionIdAsync(AppName, _lookupName, cancellationToken).ConfigureAwait(false);
        return _classParameters is null ? (client, id) : await BindAsync(client, id, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<(ModalClient Client, string FunctionId)> BindAsync(ModalClient client, string classFunctionId, CancellationToken cancellationToken) =>
        (client, await client.BindParamsAsync(classFunctionId, _classParameters!, cancellationToken).ConfigureAwait(false));

    private static IAsyncEnumerable<TArgs> ToAsync(IEnumerable<TArgs> inputs) => new SyncAsyncEnumerable<TArgs>(inputs);
}
