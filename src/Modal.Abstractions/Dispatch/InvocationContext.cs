using MessagePack;

namespace Modal.Dispatch;

/// <summary>What an invoker knows about the input (or batch of inputs) it runs.</summary>
public sealed class InvocationContext(
    string inputId,
    string functionCallId,
    int retryCount,
    MessagePackSerializerOptions serializerOptions,
    CancellationToken cancellationToken)
{
    /// <summary>The input's id; for a batch, the first input's.</summary>
    public string InputId { get; } = inputId;

    public string FunctionCallId { get; } = functionCallId;

    public int RetryCount { get; } = retryCount;

    public MessagePackSerializerOptions SerializerOptions { get; } = serializerOptions;

    /// <summary>Cancelled when the input is cancelled or times out; passed to a user parameter of type CancellationToken.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>For a [Cls] method: the container's instance of the class, which the method runs on.</summary>
    public object? Instance { get; init; }
}
