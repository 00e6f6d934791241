using MessagePack;

namespace Modal.Dispatch;

/// <summary>
/// Runs one function for serialized arguments and returns serialized results. The generator emits one subclass per
/// function (and per method of a [Cls] class); its body deserializes the arguments, calls the user method directly, and
/// serializes the result. Which of the three entry points applies depends on the function's shape:
/// <see cref="InvokeAsync"/> for ordinary functions, <see cref="InvokeBatchAsync"/> for [Batched] ones and
/// <see cref="InvokeStreamAsync"/> for generators.
/// </summary>
public abstract class FunctionInvoker
{
    /// <summary>The function's entry key (also in the manifest); for a [Cls] method, the method's name.</summary>
    public abstract string EntryKey { get; }

    /// <summary>True when the user method returns a Task/ValueTask; such inputs run as tasks, others on threads.</summary>
    public abstract bool IsAsync { get; }

    /// <summary>True for a [Batched] function: the worker hands it whole batches through <see cref="InvokeBatchAsync"/>.</summary>
    public virtual bool IsBatched => false;

    /// <summary>
    /// True for a generator (<c>IAsyncEnumerable&lt;T&gt;</c>, or <c>IEnumerable&lt;T&gt;</c> written with <c>yield</c>): the
    /// worker streams its items through <see cref="InvokeStreamAsync"/>.
    /// </summary>
    public virtual bool IsGenerator => false;

    /// <summary>
    /// Deserializes <paramref name="args"/>, runs the function and returns its serialized result. Exceptions thrown by the
    /// user's code propagate unchanged so the worker can report their type, message and stack trace.
    /// </summary>
    public abstract ValueTask<byte[]> InvokeAsync(ReadOnlyMemory<byte> args, InvocationContext context);

    /// <summary>
    /// Runs a [Batched] function once for a whole batch: <paramref name="args"/> holds one serialized argument record per
    /// input, and the result holds one serialized result per input, in the same order.
    /// </summary>
    public virtual ValueTask<byte[][]> InvokeBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> args, InvocationContext context) =>
        throw new NotSupportedException($"Function '{EntryKey}' is not [Batched]; run its inputs one at a time with InvokeAsync.");

    /// <summary>
    /// Runs a generator and yields each item serialized, as the user code produces it. The caller pulls items, so a slow
    /// consumer holds the generator at its <c>yield</c>.
    /// </summary>
    public virtual IAsyncEnumerable<byte[]> InvokeStreamAsync(ReadOnlyMemory<byte> args, InvocationContext context) =>
        throw new NotSupportedException($"Function '{EntryKey}' is not a generator; run it with InvokeAsync.");
}
