using Modal.Gpus.Inventory;

namespace Modal.Gpus.Tests.Placement;

/// <summary>A node with the given devices, named as nvidia-smi would name them.</summary>
internal sealed class FakeGpuInventory : IGpuInventory
{
    private static readonly Dictionary<string, (string Name, long MemoryMiB)> Models = new()
    {
        ["H100"] = ("NVIDIA H100 80GB HBM3", 81559),
        ["H200"] = ("NVIDIA H200", 143771),
        ["A100-80GB"] = ("NVIDIA A100-SXM4-80GB", 81920),
        ["A100-40GB"] = ("NVIDIA A100-SXM4-40GB", 40960),
        ["A10G"] = ("NVIDIA A10G", 23028),
        ["L4"] = ("NVIDIA L4", 23034),
        ["T4"] = ("Tesla T4", 15360),
        ["RTX"] = ("NVIDIA GeForce RTX 4090", 24564),
    };

    private FakeGpuInventory(IReadOnlyList<GpuDevice> devices) => Devices = devices;

    public IReadOnlyList<GpuDevice> Devices { get; }

    /// <summary>Devices in index order, e.g. <c>Of("H100", "H100", "T4")</c>; UUIDs are GPU-&lt;index&gt;.</summary>
    public static FakeGpuInventory Of(params string[] models) => Build(models, withUuids: true);

    /// <summary>As <see cref="Of"/>, but without UUIDs, as when the inventory came from the CUDA driver.</summary>
    public static FakeGpuInventory WithoutUuids(params string[] models) => Build(models, withUuids: false);

    private static FakeGpuInventory Build(string[] models, bool withUuids) =>
        new(models.Select((m, i) => GpuDevice.FromDriver(i, Models[m].Name, Models[m].MemoryMiB, withUuids ? $"GPU-{i}" : null)).ToArray());
}
