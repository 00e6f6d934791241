using Modal.Gpus.Inventory;

namespace Modal.Gpus.Tests.Inventory;

public sealed class GpuTypeNamesTests
{
    [Theory]
    [InlineData("NVIDIA H100 80GB HBM3", "H100")]
    [InlineData("NVIDIA H100 PCIe", "H100")]
    [InlineData("NVIDIA H100 NVL", "H100")]
    [InlineData("NVIDIA H200", "H200")]
    [InlineData("NVIDIA H200 NVL", "H200")]
    [InlineData("NVIDIA A100-SXM4-80GB", "A100-80GB")]
    [InlineData("NVIDIA A100 80GB PCIe", "A100-80GB")]
    [InlineData("NVIDIA A100-SXM4-40GB", "A100-40GB")]
    [InlineData("NVIDIA A100-PCIE-40GB", "A100-40GB")]
    [InlineData("NVIDIA A10G", "A10G")]
    [InlineData("NVIDIA L40S", "L40S")]
    [InlineData("NVIDIA L4", "L4")]
    [InlineData("Tesla T4", "T4")]
    [InlineData("NVIDIA B200", "B200")]
    [InlineData("NVIDIA A10", null)]
    [InlineData("NVIDIA L40", null)]
    [InlineData("NVIDIA GeForce RTX 4090", null)]
    [InlineData("Tesla V100-SXM2-16GB", null)]
    public void Maps_driver_names_to_platform_types(string name, string? type)
    {
        Assert.Equal(type, GpuTypeNames.FromDeviceName(name));
    }

    [Theory]
    [InlineData(81920, "A100-80GB")]
    [InlineData(40960, "A100-40GB")]
    public void An_a100_without_a_size_in_its_name_is_told_apart_by_memory(long memoryMiB, string type)
    {
        Assert.Equal(type, GpuTypeNames.FromDeviceName("NVIDIA A100-SXM4", memoryMiB));
    }
}
