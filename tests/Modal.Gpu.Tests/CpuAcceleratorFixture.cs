namespace Modal.Gpus.Tests;

/// <summary>
/// One CPU-fallback <see cref="GpuContext"/> shared by the kernel tests: creating ILGPU contexts and loading kernels is
/// the slow part, and the CPU accelerator runs one kernel at a time anyway.
/// </summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public CpuAcceleratorFixture()
    {
        Context = GpuContext.Create(allowCpuFallback: true);
    }

    public GpuContext Context { get; }

    public void Dispose() => Context.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CpuAcceleratorCollection : ICollectionFixture<CpuAcceleratorFixture>
{
    public const string Name = "CPU accelerator";
}
