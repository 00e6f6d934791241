namespace Modal;

/// <summary>
/// Dynamic batching: callers pass single items, the server groups them, and the function receives lists and returns
/// a list of the same length. A batch runs when full or <see cref="WaitMs"/> after its first input arrived.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class BatchedAttribute : Attribute
{
    /// <summary>Largest batch, 1 to 1000.</summary>
    public int MaxBatchSize { get; set; }

    /// <summary>Longest wait for a batch to fill, in milliseconds, 0 to 600,000.</summary>
    public int WaitMs { get; set; }
}
