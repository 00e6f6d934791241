namespace Modal.Dispatch;

/// <summary>
/// The invoker of an ordinary function: reads the input's argument container and hands it to a generated call that runs
/// the user method and serializes its result. The generator creates these through <see cref="FunctionInvokers"/> (a method
/// group per function) or, for shapes those do not cover, with a lambda of its own.
/// </summary>
/// <typeparam name="TArgs">The argument container: a <see cref="ModalArgs{T1}"/> of the parameter types, or a generated record.</typeparam>
public sealed class UnaryInvoker<TArgs> : FunctionInvoker
{
    private readonly Func<TArgs, InvocationContext, ValueTask<byte[]>> _invoke;

    /// <param name="entryKey">The function's entry key (for a [Cls] method, the method's name).</param>
    /// <param name="isAsync">Whether the user method returns a task; such inputs run as tasks, others on threads.</param>
    /// <param name="invoke">Runs the user method with the arguments and serializes its result.</param>
    public UnaryInvoker(string entryKey, bool isAsync, Func<TArgs, InvocationContext, ValueTask<byte[]>> invoke)
        : base(entryKey, isAsync)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        _invoke = invoke;
    }

    public override ValueTask<byte[]> InvokeAsync(ReadOnlyMemory<byte> args, InvocationContext context) =>
        _invoke(ReadArgs<TArgs>(args, context), context);
}
