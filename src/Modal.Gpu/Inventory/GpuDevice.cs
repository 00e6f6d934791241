using System.Globalization;

namespace Modal.Gpus.Inventory;

/// <summary>One GPU of the node, as the driver reports it.</summary>
/// <param name="Index">The driver's index: nvidia-smi's (PCI bus order), or the CUDA ordinal when nvidia-smi is absent.</param>
/// <param name="Name">The name the driver reports, e.g. <c>NVIDIA H100 80GB HBM3</c>.</param>
/// <param name="Type">The platform's GPU type (see <see cref="Rules.GpuSpec.KnownTypes"/>), or null when the name is not one of them.</param>
/// <param name="MemoryMiB">Total device memory in MiB; 0 when the driver did not say.</param>
/// <param name="Uuid">The device UUID (<c>GPU-…</c>) when known.</param>
public sealed record GpuDevice(int Index, string Name, string? Type, long MemoryMiB, string? Uuid)
{
    /// <summary>
    /// The id to hand to CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES and Docker: the UUID when known, because it names
    /// the same device whatever order CUDA enumerates in; otherwise the index.
    /// </summary>
    public string DeviceId => Uuid ?? Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The type, or the driver's name for a device whose type the platform does not know.</summary>
    public string TypeOrName => Type ?? Name;

    /// <summary>Builds a device from a driver name, mapping the name to a platform type.</summary>
    public static GpuDevice FromDriver(int index, string name, long memoryMiB, string? uuid) =>
        new(index, name, GpuTypeNames.FromDeviceName(name, memoryMiB), memoryMiB, uuid);
}
