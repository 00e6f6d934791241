using Modal.Protocol;

namespace Modal.Storage;

/// <summary>The durable summary of a spawned (ASYNC) function call.</summary>
public sealed record StoredCall
{
    public required string CallId { get; init; }

    public required string FunctionId { get; init; }

    public required FunctionCallType CallType { get; init; }

    public required FunctionCallInvocationType InvocationType { get; init; }

    public int NumInputs { get; init; }

    /// <summary>Inputs with a final output; also the entry id of the last stored output.</summary>
    public int NumCompleted { get; init; }

    public bool InputsComplete { get; init; }

    public long CreatedAtMs { get; init; }

    /// <summary>Unix milliseconds when the last input got its final output; null while the call runs.</summary>
    public long? CompletedAtMs { get; init; }

    /// <summary>True once the retention period passed and the inputs and outputs were purged.</summary>
    public bool Expired { get; init; }
}
