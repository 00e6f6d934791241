using System.Globalization;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Modal.Gpus;
using Modal.Gpus.Inventory;

namespace Modal;

/// <summary>
/// The GPUs assigned to this container and an ILGPU accelerator for them. Inside a function, use <see cref="Gpu.Current"/>;
/// create one yourself with <see cref="Create(bool)"/> when you need the CPU fallback (tests, a laptop). Dispose it to release
/// the CUDA contexts; the worker disposes <see cref="Gpu.Current"/> when the container stops.
/// </summary>
public sealed class GpuContext : IDisposable
{
    /// <summary>
    /// The CPU accelerator simulates 32-thread warps and groups of up to 256 threads, the shape the library's kernels
    /// use, so the same kernels run unchanged (slowly) without a GPU.
    /// </summary>
    private static readonly CPUDevice SimulatedDevice = new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1);

    private readonly Context context;
    private readonly IReadOnlyList<CudaDevice> cudaDevices;
    private readonly Accelerator?[] accelerators;
    private readonly object gate = new();
    private bool disposed;

    private GpuContext(Context context, IReadOnlyList<CudaDevice> cudaDevices, Accelerator first, IReadOnlyList<AssignedGpu> devices)
    {
        this.context = context;
        this.cudaDevices = cudaDevices;
        accelerators = new Accelerator?[Math.Max(1, cudaDevices.Count)];
        accelerators[0] = first;
        Devices = devices;
    }

    /// <summary>The assigned GPUs in CUDA order; empty when running on the CPU fallback.</summary>
    public IReadOnlyList<AssignedGpu> Devices { get; }

    /// <summary>True when <see cref="Accelerator"/> is a CUDA device; false on the CPU fallback.</summary>
    public bool IsCuda => cudaDevices.Count > 0;

    /// <summary>The ILGPU context, for loading your own kernels or creating more accelerators.</summary>
    public Context Context
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return context;
        }
    }

    /// <summary>The accelerator of the first assigned GPU (or the CPU fallback).</summary>
    public Accelerator Accelerator => GetAccelerator(0);

    /// <summary>How many accelerators <see cref="GetAccelerator"/> serves: one per assigned GPU, or one CPU accelerator.</summary>
    public int AcceleratorCount => accelerators.Length;

    /// <summary>
    /// Creates the context from this container's assignment (CUDA_VISIBLE_DEVICES and MODAL_GPU_*).
    /// </summary>
    /// <param name="allowCpuFallback">
    /// When no CUDA device is visible, run on ILGPU's CPU accelerator instead of failing. Kernels then run correctly but
    /// slowly; keep it off in production so a missing GPU is an error rather than a silent slowdown.
    /// </param>
    /// <exception cref="GpuUnavailableException">No CUDA device is visible and <paramref name="allowCpuFallback"/> is false.</exception>
    public static GpuContext Create(bool allowCpuFallback = false) => Create(allowCpuFallback, Environment.GetEnvironmentVariable);

    internal static GpuContext Create(bool allowCpuFallback, Func<string, string?> environment)
    {
        var context = Context.Create(builder => builder
            .Cuda()
            .CPU(SimulatedDevice)
            .EnableAlgorithms());
        try
        {
            var cudaDevices = CudaDevicesOf(context);
            if (cudaDevices.Length > 0)
            {
                var ids = SplitList(environment(GpuEnvironmentVariables.Devices) ?? environment(GpuEnvironmentVariables.CudaVisibleDevices));
                var devices = cudaDevices.Select((d, i) => new AssignedGpu(
                    i,
                    d.Name,
                    GpuTypeNames.FromDeviceName(d.Name, d.MemorySize / (1024 * 1024)),
                    d.MemorySize,
                    ids.Count == cudaDevices.Length ? ids[i] : null)).ToArray();
                CheckAssignedCount(environment, cudaDevices.Length);
                return new GpuContext(context, cudaDevices, cudaDevices[0].CreateCudaAccelerator(context), devices);
            }

            if (!allowCpuFallback)
            {
                throw new GpuUnavailableException(NoDeviceMessage(environment));
            }

            var cpu = context.GetCPUDevice(0).CreateCPUAccelerator(context);
            return new GpuContext(context, Array.Empty<CudaDevice>(), cpu, Array.Empty<AssignedGpu>());
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The accelerator for the <paramref name="ordinal"/>-th assigned GPU, created on first use (each one holds a CUDA
    /// context, so unused GPUs cost nothing).
    /// </summary>
    public Accelerator GetAccelerator(int ordinal)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (ordinal < 0 || ordinal >= accelerators.Length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(ordinal),
                    $"This container has {accelerators.Length} accelerator(s); ordinal {ordinal} is out of range.");
            }

            return accelerators[ordinal] ??= cudaDevices[ordinal].CreateCudaAccelerator(context);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            foreach (var accelerator in accelerators)
            {
                accelerator?.Dispose();
            }

            context.Dispose();
        }
    }

    // ILGPU's device collection is a struct enumerable, not an IEnumerable, so LINQ cannot read it directly.
    private static CudaDevice[] CudaDevicesOf(Context context)
    {
        var devices = new List<CudaDevice>();
        foreach (var device in context.GetCudaDevices())
        {
            devices.Add(device);
        }

        return devices.ToArray();
    }

    private static void CheckAssignedCount(Func<string, string?> environment, int visible)
    {
        var countText = environment(GpuEnvironmentVariables.Count);
        if (int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var assigned) && assigned > visible)
        {
            throw new GpuUnavailableException(
                $"this container was assigned {assigned} GPUs ({environment(GpuEnvironmentVariables.Devices)}) but CUDA sees {visible}; " +
                "check CUDA_VISIBLE_DEVICES and that the container runtime mounts every assigned device.");
        }
    }

    private static string NoDeviceMessage(Func<string, string?> environment)
    {
        var assigned = environment(GpuEnvironmentVariables.Devices) ?? environment(GpuEnvironmentVariables.CudaVisibleDevices);
        if (SplitList(assigned).Count > 0)
        {
            var type = environment(GpuEnvironmentVariables.Type);
            return $"no CUDA device is visible although this container was assigned {(type is null ? "" : type + " ")}GPU(s) {assigned}; " +
                "the NVIDIA driver (libcuda.so.1) is missing or cannot see them. Check that nvidia-smi lists the devices " +
                "and that the container runs with the NVIDIA runtime.";
        }

        return "no CUDA device is assigned to this container; request one with [Function(Gpu = \"H100\")] (or Gpu = \"any\"), " +
            "or call GpuContext.Create(allowCpuFallback: true) to run the kernels on ILGPU's CPU accelerator.";
    }

    // CUDA treats "-1" (or an empty value) as "no device"; either means nothing was assigned.
    private static IReadOnlyList<string> SplitList(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Trim() == "-1" || value.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
            ? Array.Empty<string>()
            : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
