using Modal;

namespace GpuSimilarity;

/// <summary>
/// Whether the sample's functions ask for a GPU. A [Function]'s gpu setting is fixed when the app is built, so the
/// choice is a build switch: <c>dotnet run -p:SampleGpu=true</c> defines SAMPLE_GPU.
/// </summary>
internal static class SampleGpu
{
#if SAMPLE_GPU
    /// <summary>Any one GPU the node has. The control plane refuses the app at once on a node without GPUs.</summary>
    public const string? Request = "any";
#else
    /// <summary>No GPU: the functions run the same kernels on ILGPU's CPU accelerator, which they ask for explicitly.</summary>
    public const string? Request = null;
#endif

    private static readonly Lazy<GpuContext> Context = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The context the functions search with. With a GPU requested it is the container's <see cref="Gpu.Current"/>
    /// (CUDA only: a missing device is an error, never a silent slowdown; the worker disposes it when the container
    /// stops). Without one it is a context created with the CPU fallback allowed, which lives as long as the process:
    /// it holds only host memory and threads, which the process's exit releases.
    /// </summary>
    public static GpuContext Current => Context.Value;

#if SAMPLE_GPU
    private static GpuContext Create() => Gpu.Current;
#else
    private static GpuContext Create() => GpuContext.Create(allowCpuFallback: true);
#endif
}
