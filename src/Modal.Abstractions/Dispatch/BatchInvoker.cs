namespace Modal.Dispatch;

/// <summary>
/// The invoker of a [Batched] function: reads the argument container of every input in a batch and hands them to a
/// generated call that builds the function's lists, runs it once and serializes one result per input.
/// </summary>
/// <typeparam name="TArgs">The argument container of one input: a <see cref="ModalArgs{T1}"/> of the item types, or a generated record.</typeparam>
public sealed class BatchInvoker<TArgs> : FunctionInvoker
{
    private readonly Func<IReadOnlyList<TArgs>, InvocationContext, ValueTask<byte[][]>> _invoke;

    /// <param name="entryKey">The function's entry key (for a [Cls] method, the method's name).</param>
    /// <param name="isAsync">Whether the user method returns a task.</param>
    /// <param name="invoke">Runs the user method over the batch and serializes its results, one per input in input order.</param>
    public BatchInvoker(string entryKey, bool isAsync, Func<IReadOnlyList<TArgs>, InvocationContext, ValueTask<byte[][]>> invoke)
        : base(entryKey, isAsync)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        _invoke = invoke;
    }

    public override bool IsBatched => true;

    /// <summary>One input on its own is a batch of one.</summary>
    public override async ValueTask<byte[]> InvokeAsync(ReadOnlyMemory<byte> args, InvocationContext context)
    {
        var results = await _invoke([ReadArgs<TArgs>(args, context)], context).ConfigureAwait(false);
        return results[0];
    }

    public override ValueTask<byte[][]> InvokeBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> args, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var batch = new TArgs[args.Count];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = ReadArgs<TArgs>(args[i], context);
        }

        return _invoke(batch, context);
    }
}
