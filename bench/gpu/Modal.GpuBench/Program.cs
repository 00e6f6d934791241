using Modal;
using Modal.GpuBench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

GpuContext gpu;
try
{
    gpu = GpuContext.Create(options.AllowCpu);
}
catch (GpuUnavailableException error)
{
    Console.Error.WriteLine($"Modal.GpuBench needs a CUDA GPU: {error.Message}");
    return 3;
}

using (gpu)
{
    var accelerator = gpu.Accelerator;
    JsonLine.Write(
        ("case", "device"),
        ("name", accelerator.Name),
        ("cuda", gpu.IsCuda),
        ("memory_gib", accelerator.MemorySize / (double)(1L << 30)),
        ("multiprocessors", accelerator.NumMultiprocessors));

    // A wrong kernel that is fast proves nothing: check both against the CPU on this device before timing them.
    if (!Verification.Run(accelerator))
    {
        Console.Error.WriteLine("Verification against the CPU reference failed; timings skipped.");
        return 1;
    }

    if (options.RunGemm)
    {
        foreach (var size in options.GemmSizes)
        {
            Benchmarks.Gemm(accelerator, size, options.Iterations);
        }
    }

    if (options.RunTopK)
    {
        Benchmarks.TopK(accelerator, options.Rows, options.Dimension, options.Queries, options.K, options.Iterations);
    }
}

return 0;
