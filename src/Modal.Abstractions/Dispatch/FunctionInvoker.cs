using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MessagePack;

namespace Modal.Dispatch;

/// <summary>
/// Runs one function for serialized arguments and returns serialized results. Which of the three entry points applies
/// depends on the function's shape: <see cref="InvokeAsync"/> for ordinary functions (<see cref="UnaryInvoker{TArgs}"/>),
/// <see cref="InvokeBatchAsync"/> for [Batched] ones (<see cref="BatchInvoker{TArgs}"/>) and <see cref="InvokeStreamAsync"/>
/// for generators (<see cref="StreamInvoker{TArgs}"/>). The generated registry creates one per function with a direct call
/// of the user method; the static helpers here serialize what that call returns.
/// </summary>
public abstract class FunctionInvoker
{
    /// <param name="entryKey">The function's entry key (for a [Cls] method, the method's name).</param>
    /// <param name="isAsync">Whether the user method returns a task (for a generator: an <c>IAsyncEnumerable&lt;T&gt;</c>).</param>
    protected FunctionInvoker(string entryKey, bool isAsync)
    {
        ArgumentNullException.ThrowIfNull(entryKey);
        EntryKey = entryKey;
        IsAsync = isAsync;
    }

    /// <summary>The function's entry key (also in the manifest); for a [Cls] method, the method's name.</summary>
    public string EntryKey { get; }

    /// <summary>True when the user method returns a Task/ValueTask; such inputs run as tasks, others on threads.</summary>
    public bool IsAsync { get; }

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

    /// <summary>
    /// Reads an input's argument container. A missing one (nil) is a malformed input, not a call with default arguments.
    /// </summary>
    protected TArgs ReadArgs<TArgs>(ReadOnlyMemory<byte> args, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return MessagePackSerializer.Deserialize<TArgs>(args, context.SerializerOptions, context.CancellationToken)
            ?? throw new InvalidOperationException($"The input of '{EntryKey}' carried no arguments; it must be a serialized array of the function's arguments.");
    }

    // The generated calls forward to these generic helpers rather than each being an async lambda: a large app has hundreds
    // of functions, and one state machine per function was most of what the generated code cost to compile.

    /// <summary>Serializes a result (or <c>MessagePack.Nil</c> for a function that returns nothing).</summary>
    public static byte[] Serialize<T>(T value, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return MessagePackSerializer.Serialize(value, context.SerializerOptions, context.CancellationToken);
    }

    /// <summary>Awaits the user's task and serializes its result.</summary>
    public static async ValueTask<byte[]> SerializeAsync<T>(Task<T> task, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Serialize(await task.ConfigureAwait(false), context);
    }

    /// <summary>Awaits the user's task and serializes its result.</summary>
    public static async ValueTask<byte[]> SerializeAsync<T>(ValueTask<T> task, InvocationContext context) =>
        Serialize(await task.ConfigureAwait(false), context);

    /// <summary>Awaits the user's task; the result is <c>MessagePack.Nil</c>.</summary>
    public static async ValueTask<byte[]> SerializeAsync(Task task, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(task);
        await task.ConfigureAwait(false);
        return Serialize(Nil.Default, context);
    }

    /// <summary>Awaits the user's task; the result is <c>MessagePack.Nil</c>.</summary>
    public static async ValueTask<byte[]> SerializeAsync(ValueTask task, InvocationContext context)
    {
        await task.ConfigureAwait(false);
        return Serialize(Nil.Default, context);
    }

    /// <summary>Serializes a generator's items as the caller pulls them, stopping when the input is cancelled.</summary>
    public static async IAsyncEnumerable<byte[]> SerializeStreamAsync<T>(IAsyncEnumerable<T> items, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        await foreach (var item in items.WithCancellation(context.CancellationToken).ConfigureAwait(false))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            yield return Serialize(item, context);
        }
    }

    /// <summary>
    /// Serializes a synchronous generator's items; it runs on the worker's thread for this input, between the awaits of
    /// the caller.
    /// </summary>
    public static async IAsyncEnumerable<byte[]> SerializeStreamAsync<T>(IEnumerable<T> items, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var item in items)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            yield return Serialize(item, context);
        }
    }

    /// <summary>Checks that a [Batched] function returned one result per input and serializes each, in input order.</summary>
    public static byte[][] SerializeBatch<T>(IReadOnlyList<T>? batch, int count, string functionName, InvocationContext context)
    {
        CheckBatch(batch, count, functionName);
        var results = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            results[i] = Serialize(batch[i], context);
        }

        return results;
    }

    /// <summary>Awaits a [Batched] function's batch, checks it holds one result per input and serializes each.</summary>
    public static async ValueTask<byte[][]> SerializeBatchAsync<TBatch, T>(Task<TBatch> task, int count, string functionName, InvocationContext context)
        where TBatch : IReadOnlyList<T>?
    {
        ArgumentNullException.ThrowIfNull(task);
        return SerializeBatch<T>(await task.ConfigureAwait(false), count, functionName, context);
    }

    /// <summary>Awaits a [Batched] function's batch, checks it holds one result per input and serializes each.</summary>
    public static async ValueTask<byte[][]> SerializeBatchAsync<TBatch, T>(ValueTask<TBatch> task, int count, string functionName, InvocationContext context)
        where TBatch : IReadOnlyList<T>? =>
        SerializeBatch<T>(await task.ConfigureAwait(false), count, functionName, context);

    private static void CheckBatch<T>([NotNull] IReadOnlyList<T>? batch, int count, string functionName)
    {
        if (batch is null || batch.Count != count)
        {
            throw new InvalidOperationException(
                $"[Batched] function '{functionName}' returned {(batch is null ? "null" : batch.Count.ToString(CultureInfo.InvariantCulture))} " +
                $"results for {count.ToString(CultureInfo.InvariantCulture)} inputs; a batched function returns one result per input, in input order.");
        }
    }
}
