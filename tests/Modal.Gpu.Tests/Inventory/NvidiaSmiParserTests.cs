using Modal.Gpus.Inventory;

namespace Modal.Gpus.Tests.Inventory;

public sealed class NvidiaSmiParserTests
{
    // Captured from `nvidia-smi --query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits` on each kind of node.
    private const string H100Node = """
        0, NVIDIA H100 80GB HBM3, 81559, GPU-5d3b8a41-7c2e-4f0b-9d61-2a8c3e4f5b60
        1, NVIDIA H100 80GB HBM3, 81559, GPU-8e1f2a93-4b5c-4d6e-8f70-1a2b3c4d5e6f

        """;

    private const string H200Node = "0, NVIDIA H200, 143771, GPU-0f9e8d7c-6b5a-4948-3726-150f4e3d2c1b\n";

    private const string MixedNode = """
        0, NVIDIA A100-SXM4-80GB, 81920, GPU-a1000000-0000-0000-0000-000000000080
        1, NVIDIA A100-PCIE-40GB, 40960, GPU-a1000000-0000-0000-0000-000000000040
        2, NVIDIA A10G, 23028, GPU-a10a10a1-0000-0000-0000-000000000000
        3, NVIDIA L4, 23034, GPU-14141414-0000-0000-0000-000000000000
        4, Tesla T4, 15360, GPU-74747474-0000-0000-0000-000000000000
        5, NVIDIA L40S, 46068, GPU-40404040-0000-0000-0000-000000000000
        6, NVIDIA B200, 183359, GPU-b2000000-0000-0000-0000-000000000000
        """;

    [Fact]
    public void Parses_an_h100_node()
    {
        var devices = NvidiaSmiParser.Parse(H100Node);

        Assert.Equal(
            [
                new GpuDevice(0, "NVIDIA H100 80GB HBM3", "H100", 81559, "GPU-5d3b8a41-7c2e-4f0b-9d61-2a8c3e4f5b60"),
                new GpuDevice(1, "NVIDIA H100 80GB HBM3", "H100", 81559, "GPU-8e1f2a93-4b5c-4d6e-8f70-1a2b3c4d5e6f"),
            ],
            devices);
    }

    [Fact]
    public void Parses_an_h200_node()
    {
        var device = Assert.Single(NvidiaSmiParser.Parse(H200Node));

        Assert.Equal(new GpuDevice(0, "NVIDIA H200", "H200", 143771, "GPU-0f9e8d7c-6b5a-4948-3726-150f4e3d2c1b"), device);
    }

    [Fact]
    public void Maps_every_type_of_a_mixed_node()
    {
        var devices = NvidiaSmiParser.Parse(MixedNode);

        Assert.Equal(["A100-80GB", "A100-40GB", "A10G", "L4", "T4", "L40S", "B200"], devices.Select(d => d.Type));
        Assert.Equal([81920L, 40960, 23028, 23034, 15360, 46068, 183359], devices.Select(d => d.MemoryMiB));
    }

    [Fact]
    public void Missing_fields_are_tolerated_and_devices_come_out_in_index_order()
    {
        var devices = NvidiaSmiParser.Parse("1, NVIDIA A100-SXM4-40GB, [N/A], [N/A]\r\n0, NVIDIA L4, 23034, GPU-1\r\n");

        Assert.Equal([0, 1], devices.Select(d => d.Index));
        Assert.Equal(new GpuDevice(1, "NVIDIA A100-SXM4-40GB", "A100-40GB", 0, null), devices[1]);
        Assert.Equal("1", devices[1].DeviceId);
        Assert.Equal("GPU-1", devices[0].DeviceId);
    }

    [Fact]
    public void Empty_output_means_no_devices()
    {
        Assert.Empty(NvidiaSmiParser.Parse("\n  \n"));
    }

    [Theory]
    [InlineData("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")]
    [InlineData("x, NVIDIA H100 80GB HBM3, 81559, GPU-1")]
    public void Unreadable_lines_are_reported(string output)
    {
        var error = Assert.Throws<FormatException>(() => NvidiaSmiParser.Parse(output));

        Assert.Contains("nvidia-smi printed", error.Message, StringComparison.Ordinal);
    }
}
