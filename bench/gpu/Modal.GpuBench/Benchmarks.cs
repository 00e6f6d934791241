using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using Modal.Gpus.Kernels;

namespace Modal.GpuBench;

/// <summary>The timed cases. Each runs once to compile and warm up, then reports the median and best of the timed runs.</summary>
internal static class Benchmarks
{
    public static void Gemm(Accelerator accelerator, int size, int iterations)
    {
        var elements = (long)size * size;
        using var a = accelerator.Allocate1D<float>(elements);
        using var b = accelerator.Allocate1D<float>(elements);
        using var c = accelerator.Allocate1D<float>(elements);
        DeviceRandom.Fill(accelerator, a.View, 1);
        DeviceRandom.Fill(accelerator, b.View, 2);

        var times = Time(iterations, () =>
        {
            Modal.Gpus.Kernels.Gemm.Run(accelerator, a.View, b.View, c.View, size, size, size);
            accelerator.Synchronize();
        });

        var flops = 2.0 * size * size * size;
        JsonLine.Write(
            ("case", "gemm"),
            ("m", size),
            ("n", size),
            ("k", size),
            ("ms", times.Median * 1e3),
            ("best_ms", times.Best * 1e3),
            ("tflops", flops / times.Median / 1e12),
            ("tflops_best", flops / times.Best / 1e12));
    }

    public static void TopK(Accelerator accelerator, int rows, int dimension, int queries, int k, int iterations)
    {
        EmbeddingIndex index;
        using (var raw = accelerator.Allocate1D<float>((long)rows * dimension))
        {
            DeviceRandom.Fill(accelerator, raw.View, 7);
            index = EmbeddingIndex.FromDevice(accelerator, raw.View, rows, dimension);
        }

        using (index)
        {
            var batch = Enumerable.Range(0, queries).Select(q => DeviceRandom.Host(dimension, 1000 + q)).ToArray();
            var times = Time(iterations, () => index.Search(batch, k));

            // The figure of merit is how fast the matrix streams through the search: bytes of E read per second. Each
            // pass of 16 queries reads it once.
            var passes = (queries + EmbeddingIndex.QueriesPerPass - 1) / EmbeddingIndex.QueriesPerPass;
            var bytes = (double)rows * dimension * sizeof(float) * passes;
            JsonLine.Write(
                ("case", "topk"),
                ("rows", rows),
                ("dim", dimension),
                ("queries", queries),
                ("k", k),
                ("ms", times.Median * 1e3),
                ("best_ms", times.Best * 1e3),
                ("bytes", bytes),
                ("gb_per_s", bytes / times.Median / 1e9),
                ("gb_per_s_best", bytes / times.Best / 1e9));
        }
    }

    private static (double Median, double Best) Time(int iterations, Action run)
    {
        run();
        var seconds = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            seconds[i] = watch.Elapsed.TotalSeconds;
        }

        Array.Sort(seconds);
        return (seconds[iterations / 2], seconds[0]);
    }
}
