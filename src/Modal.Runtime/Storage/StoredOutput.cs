namespace Modal.Storage;

/// <summary>
/// The final output of one input of a spawned call. <see cref="EntryId"/> is its 1-based position in completion order,
/// the cursor clients resume from; <see cref="Result"/> is the serialized <c>FunctionResult</c> message.
/// </summary>
public sealed record StoredOutput
{
    public required string CallId { get; init; }

    public required long EntryId { get; init; }

    public required string InputId { get; init; }

    public required int Idx { get; init; }

    public required int RetryCount { get; init; }

    public required byte[] Result { get; init; }
}
