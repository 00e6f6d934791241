using Modal.Gpus.Inventory;

namespace Modal.Runtime.Tests.Support;

/// <summary>A node's GPUs as a test states them; only placement tests use it, through ControlPlaneOptions.GpuInventory.</summary>
public sealed class FakeGpuInventory(IReadOnlyList<GpuDevice> devices) : IGpuInventory
{
    public IReadOnlyList<GpuDevice> Devices { get; } = devices;
}
