using ILGPU.Runtime;

namespace Modal.Gpus.Kernels;

/// <summary>Checks, once per accelerator, that a kernel's group size and shared memory fit, with a message that says so.</summary>
internal static class KernelRequirements
{
    public static void Check(Accelerator accelerator, string kernel, int groupSize, int sharedMemoryBytes)
    {
        if (accelerator.MaxNumThreadsPerGroup < groupSize)
        {
            throw new NotSupportedException(
                $"The {kernel} kernel runs {groupSize} threads per group but {accelerator.Name} allows {accelerator.MaxNumThreadsPerGroup}. " +
                "Use a CUDA accelerator, or the CPU accelerator from GpuContext.Create(allowCpuFallback: true), which simulates enough threads.");
        }

        if (accelerator.MaxSharedMemoryPerGroup < sharedMemoryBytes)
        {
            throw new NotSupportedException(
                $"The {kernel} kernel needs {sharedMemoryBytes} bytes of shared memory per group but {accelerator.Name} offers {accelerator.MaxSharedMemoryPerGroup}.");
        }
    }
}
