namespace Modal.Gpus;

/// <summary>
/// The environment a container with GPUs is started with. The allocator writes it; <see cref="GpuContext"/> reads it.
/// </summary>
public static class GpuEnvironmentVariables
{
    /// <summary>Devices the CUDA driver exposes to the process: UUIDs when known, else indices.</summary>
    public const string CudaVisibleDevices = "CUDA_VISIBLE_DEVICES";

    /// <summary>Devices the NVIDIA container runtime mounts; set explicitly so an image's default of <c>all</c> cannot widen it.</summary>
    public const string NvidiaVisibleDevices = "NVIDIA_VISIBLE_DEVICES";

    /// <summary>The GPU type that was assigned, e.g. <c>H200</c> for an H100 request that was upgraded.</summary>
    public const string Type = "MODAL_GPU_TYPE";

    /// <summary>How many GPUs were assigned.</summary>
    public const string Count = "MODAL_GPU_COUNT";

    /// <summary>The entry of the function's GPU setting that was served, e.g. <c>H100:2</c>.</summary>
    public const string Request = "MODAL_GPU_REQUEST";

    /// <summary>The assigned devices' ids (UUIDs or node indices), comma-separated.</summary>
    public const string Devices = "MODAL_GPU_DEVICES";
}
