namespace Modal.Gpus.Inventory;

/// <summary>The GPUs a node offers to containers. The allocator works over this seam so placement is testable without GPUs.</summary>
public interface IGpuInventory
{
    /// <summary>The node's devices, ordered by index.</summary>
    IReadOnlyList<GpuDevice> Devices { get; }
}
