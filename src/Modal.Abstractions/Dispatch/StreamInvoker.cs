namespace Modal.Dispatch;

/// <summary>
/// The invoker of a generator (<c>IAsyncEnumerable&lt;T&gt;</c>, or <c>IEnumerable&lt;T&gt;</c> written with <c>yield</c>):
/// reads the argument container and streams the items the generated call serializes.
/// </summary>
/// <typeparam name="TArgs">The argument container: a <see cref="ModalArgs{T1}"/> of the parameter types, or a generated record.</typeparam>
public sealed class StreamInvoker<TArgs> : FunctionInvoker
{
    private readonly Func<TArgs, InvocationContext, IAsyncEnumerable<byte[]>> _invoke;

    /// <param name="entryKey">The function's entry key (for a [Cls] method, the method's name).</param>
    /// <param name="isAsync">True for an <c>IAsyncEnumerable&lt;T&gt;</c> generator, false for a synchronous one.</param>
    /// <param name="invoke">Runs the user method with the arguments and serializes each item it yields.</param>
    public StreamInvoker(string entryKey, bool isAsync, Func<TArgs, InvocationContext, IAsyncEnumerable<byte[]>> invoke)
        : base(entryKey, isAsync)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        _invoke = invoke;
    }

    public override bool IsGenerator => true;

    public override ValueTask<byte[]> InvokeAsync(ReadOnlyMemory<byte> args, InvocationContext context) =>
        throw new NotSupportedException($"'{EntryKey}' is a generator: its items stream through InvokeStreamAsync (RemoteGenAsync on the handle).");

    public override IAsyncEnumerable<byte[]> InvokeStreamAsync(ReadOnlyMemory<byte> args, InvocationContext context) =>
        _invoke(ReadArgs<TArgs>(args, context), context);
}
