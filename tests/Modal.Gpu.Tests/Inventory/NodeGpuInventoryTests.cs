using Modal.Gpus.Inventory;

namespace Modal.Gpus.Tests.Inventory;

/// <summary>Detection runs a stand-in nvidia-smi (a shell script) so the real process handling is exercised.</summary>
public sealed class NodeGpuInventoryTests : IDisposable
{
    private static readonly GpuDevice CudaDevice = new(0, "NVIDIA L4", "L4", 23034, null);
    private readonly string directory = Directory.CreateTempSubdirectory("modal-gpu-inventory-").FullName;

    [Fact]
    public async Task Reads_the_devices_nvidia_smi_lists()
    {
        var smi = Script("echo '0, NVIDIA H100 80GB HBM3, 81559, GPU-aaaa'; echo '1, NVIDIA H200, 143771, GPU-bbbb'");

        var inventory = await NodeGpuInventory.DetectAsync(smi, NoCuda, CancellationToken.None);

        Assert.Equal("nvidia-smi", inventory.Source);
        Assert.Null(inventory.Note);
        Assert.Equal(["H100", "H200"], inventory.Devices.Select(d => d.Type));
        Assert.Equal(["GPU-aaaa", "GPU-bbbb"], inventory.Devices.Select(d => d.Uuid));
    }

    [Fact]
    public async Task A_node_where_nvidia_smi_finds_no_devices_is_empty()
    {
        var smi = Script("echo 'No devices were found'; exit 6");

        var inventory = await NodeGpuInventory.DetectAsync(smi, () => [CudaDevice], CancellationToken.None);

        Assert.Equal("nvidia-smi", inventory.Source);
        Assert.Empty(inventory.Devices);
    }

    [Fact]
    public async Task A_failing_nvidia_smi_falls_back_to_the_cuda_driver_and_says_why()
    {
        var smi = Script("echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\" >&2; exit 9");

        var inventory = await NodeGpuInventory.DetectAsync(smi, () => [CudaDevice], CancellationToken.None);

        Assert.Equal("cuda", inventory.Source);
        Assert.Equal([CudaDevice], inventory.Devices);
        Assert.Contains("nvidia-smi exited with code 9", inventory.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_nvidia_smi_the_cuda_driver_is_asked()
    {
        var inventory = await NodeGpuInventory.DetectAsync(null, () => [CudaDevice], CancellationToken.None);

        Assert.Equal("cuda", inventory.Source);
        Assert.Equal([CudaDevice], inventory.Devices);
    }

    [Fact]
    public async Task With_neither_the_inventory_is_empty_with_a_note()
    {
        var inventory = await NodeGpuInventory.DetectAsync(
            null,
            () => throw new DllNotFoundException("libcuda.so.1 not found"),
            CancellationToken.None);

        Assert.Equal("none", inventory.Source);
        Assert.Empty(inventory.Devices);
        Assert.Contains("libcuda.so.1 not found", inventory.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detecting_on_this_machine_does_not_throw()
    {
        // This machine has no GPU; detection must say so rather than fail.
        var inventory = await NodeGpuInventory.DetectAsync();

        Assert.Contains(inventory.Source, new[] { "nvidia-smi", "cuda", "none" });
        Assert.True(inventory.Source != "none" || inventory.Devices.Count == 0);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static IReadOnlyList<GpuDevice> NoCuda() => [];

    private string Script(string body)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("These tests run a POSIX shell script as nvidia-smi.");
        }

        var path = Path.Combine(directory, "nvidia-smi");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
