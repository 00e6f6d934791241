using ILGPU.Runtime;

namespace Modal.Gpus.Tests;

public sealed class GpuContextTests
{
    [Fact]
    public void Without_a_cuda_device_and_without_fallback_the_error_says_how_to_get_a_gpu()
    {
        var outcome = Record.Exception(() => GpuContext.Create(allowCpuFallback: false, _ => null).Dispose());

        // On a machine with a GPU the context is simply created; everywhere else the message must guide the user.
        if (outcome is not null)
        {
            var error = Assert.IsType<GpuUnavailableException>(outcome);
            Assert.StartsWith("no CUDA device is assigned to this container;", error.Message, StringComparison.Ordinal);
            Assert.Contains("allowCpuFallback: true", error.Message, StringComparison.Ordinal);
        }
        else
        {
            using var context = GpuContext.Create(allowCpuFallback: false, _ => null);
            Assert.True(context.IsCuda);
        }
    }

    [Fact]
    public void An_assignment_the_driver_cannot_see_is_reported_as_such()
    {
        var environment = new Dictionary<string, string>
        {
            [GpuEnvironmentVariables.CudaVisibleDevices] = "GPU-0000-missing",
            [GpuEnvironmentVariables.Devices] = "GPU-0000-missing",
            [GpuEnvironmentVariables.Type] = "H100",
        };

        var outcome = Record.Exception(() => GpuContext.Create(allowCpuFallback: false, environment.GetValueOrDefault).Dispose());

        if (outcome is not null)
        {
            var error = Assert.IsType<GpuUnavailableException>(outcome);
            Assert.Contains("assigned H100 GPU(s) GPU-0000-missing", error.Message, StringComparison.Ordinal);
            Assert.Contains("nvidia-smi", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_cpu_fallback_runs_groups_of_256_threads_and_is_disposed_with_the_context()
    {
        var context = GpuContext.Create(allowCpuFallback: true, _ => null);
        var accelerator = context.Accelerator;

        if (!context.IsCuda)
        {
            Assert.Equal(AcceleratorType.CPU, accelerator.AcceleratorType);
            Assert.Empty(context.Devices);
            Assert.Equal(1, context.AcceleratorCount);
        }

        Assert.True(accelerator.MaxNumThreadsPerGroup >= 256);
        Assert.Same(accelerator, context.GetAccelerator(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.GetAccelerator(context.AcceleratorCount));

        context.Dispose();
        context.Dispose();
        Assert.Throws<ObjectDisposedException>(() => context.Accelerator);
    }

    [Fact]
    public void Gpu_current_is_shared_and_recreated_after_disposal()
    {
        try
        {
            var first = Gpu.Current;
            Assert.Same(first, Gpu.Current);
            Gpu.DisposeCurrent();
            Assert.NotSame(first, Gpu.Current);
        }
        catch (GpuUnavailableException error)
        {
            Assert.StartsWith("no CUDA device", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Gpu.DisposeCurrent();
        }
    }
}
