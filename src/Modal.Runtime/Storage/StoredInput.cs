namespace Modal.Storage;

/// <summary>One input of a spawned call; <see cref="Args"/> is the serialized <c>Payload</c> message.</summary>
public sealed record StoredInput
{
    public required string InputId { get; init; }

    public required string CallId { get; init; }

    public required int Idx { get; init; }

    public required byte[] Args { get; init; }

    public int RetryCount { get; init; }
}
