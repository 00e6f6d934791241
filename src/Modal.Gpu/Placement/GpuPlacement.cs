namespace Modal.Gpus.Placement;

/// <summary>The outcome of <see cref="GpuAllocator.TryAllocate(string, IReadOnlyList{Rules.GpuRequest})"/>.</summary>
public sealed class GpuPlacement
{
    private GpuPlacement(GpuPlacementStatus status, GpuAllocation? allocation, string? reason)
    {
        Status = status;
        Allocation = allocation;
        Reason = reason;
    }

    public GpuPlacementStatus Status { get; }

    /// <summary>The assigned devices; set only when <see cref="Status"/> is <see cref="GpuPlacementStatus.Allocated"/>.</summary>
    public GpuAllocation? Allocation { get; }

    /// <summary>
    /// Why the request waits (<c>waiting for 2 free H100; 0 of 2 free</c>) or can never be served
    /// (<c>no node offers H100; available: none</c>); null when allocated.
    /// </summary>
    public string? Reason { get; }

    internal static GpuPlacement Allocated(GpuAllocation allocation) => new(GpuPlacementStatus.Allocated, allocation, null);

    internal static GpuPlacement Wait(string reason) => new(GpuPlacementStatus.Wait, null, reason);

    internal static GpuPlacement Unsatisfiable(string reason) => new(GpuPlacementStatus.Unsatisfiable, null, reason);

    public override string ToString() => Status == GpuPlacementStatus.Allocated ? $"Allocated {Allocation}" : $"{Status}: {Reason}";
}
