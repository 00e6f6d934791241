using MessagePack;

namespace Modal.Dispatch;

/// <summary>
/// Runs one function for one serialized argument record and returns the serialized result. The generator emits one
/// subclass per function; its body deserializes the arguments, calls the user method, and serializes the result.
/// </summary>
public abstract class FunctionInvoker
{
    /// <summary>The function's entry key (also in the manifest).</summary>
    public abstract string EntryKey { get; }

    /// <summary>True when the user method returns a Task/ValueTask; such inputs run as tasks, others on threads.</summary>
    public abstract bool IsAsync { get; }

    /// <summary>
    /// Deserializes <paramref name="args"/>, runs the function and returns its serialized result. Exceptions thrown by the
    /// user's code propagate unchanged so the worker can report their type, message and stack trace.
    /// </summary>
    public abstract ValueTask<byte[]> InvokeAsync(ReadOnlyMemory<byte> args, InvocationContext context);
}

/// <summary>What an invoker knows about the input it runs.</summary>
public sealed class InvocationContext(
    string inputId,
    string functionCallId,
    int retryCount,
    MessagePackSerializerOptions serializerOptions,
    CancellationToken cancellationToken)
{
    public string InputId { get; } = inputId;

    public string FunctionCallId { get; } = functionCallId;

    public int RetryCount { get; } = retryCount;

    public MessagePackSerializerOptions SerializerOptions { get; } = serializerOptions;

    /// <summary>Cancelled when the input is cancelled or times out; passed to a user parameter of type CancellationToken.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;
}
