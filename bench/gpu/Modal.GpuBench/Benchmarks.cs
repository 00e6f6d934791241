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

            // Where one pass's time goes (median of each phase), and how fast a plain streaming read of the same matrix
            // runs in ILGPU code: the ceiling the score kernel is held against.
            var first = batch.Take(EmbeddingIndex.QueriesPerPass).ToArray();
            var profiles = Enumerable.Range(0, iterations + 1).Select(_ => index.ProfileSearch(first, k)).Skip(1).ToArray();
            var fields = new List<(string, object)> { ("case", "topk_phases"), ("queries", first.Length), ("k", k) };
            foreach (var phase in profiles[0].Select(p => p.Phase))
            {
                var ms = profiles.Select(p => p.First(x => x.Phase == phase).Ms).Order().ToArray();
                fields.Add((phase + "_ms", ms[ms.Length / 2]));
            }

            JsonLine.Write([.. fields]);
            StreamRead(accelerator, rows, dimension, iterations);
        }
    }

    /// <summary>Sums a rows x dimension float matrix with coalesced 16-byte loads, grid-stride: read bandwidth of ILGPU code.</summary>
    private static void StreamRead(Accelerator accelerator, int rows, int dimension, int iterations)
    {
        var floats = (long)rows * dimension / 4 * 4;
        using var data = accelerator.Allocate1D<float>(floats);
        using var sums = accelerator.Allocate1D<float>(accelerator.NumMultiprocessors * 8 * 256);
        DeviceRandom.Fill(accelerator, data.View, 9);
        var kernel = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, long>(StreamReadKernel);
        var groups = accelerator.NumMultiprocessors * 8;
        var times = Time(iterations, () =>
        {
            kernel(accelerator.DefaultStream, new KernelConfig(groups, 256), data.View, sums.View, floats / 4);
            accelerator.Synchronize();
        });
        var bytes = floats * 4.0;
        JsonLine.Write(
            ("case", "stream_read"),
            ("bytes", bytes),
            ("ms", times.Median * 1e3),
            ("gb_per_s", bytes / times.Median / 1e9));
    }

    private static void StreamReadKernel(ArrayView<float> data, ArrayView<float> sums, long count4)
    {
        var data4 = data.Cast<Float4Sum>();
        var stride = (long)Grid.DimX * Group.DimX;
        var acc = 0f;
        for (var i = (long)Grid.GlobalIndex.X; i < count4; i += stride)
        {
            var v = data4[i];
            acc += v.X + v.Y + v.Z + v.W;
        }

        sums[Grid.GlobalIndex.X] = acc;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Float4Sum
    {
        public float X;
        public float Y;
        public float Z;
        public float W;
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
