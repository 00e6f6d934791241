namespace Modal;

/// <summary>
/// Gang-schedules <see cref="Size"/> containers that all receive the input; rank 0's output is the result.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ClusteredAttribute : Attribute
{
    /// <summary>Number of containers in the cluster.</summary>
    public int Size { get; set; }

    /// <summary>Requests RDMA between members; needs a GPU.</summary>
    public bool Rdma { get; set; }
}
