using ILGPU;
using ILGPU.Runtime;

namespace Modal.GpuBench;

/// <summary>
/// Fills device buffers with uniform values in [-1, 1) on the device: generating 3 GB on the host and uploading it
/// would dominate the benchmark's wall time and need as much host memory.
/// </summary>
internal static class DeviceRandom
{
    public static void Fill(Accelerator accelerator, ArrayView<float> data, uint seed)
    {
        var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, uint>(FillKernel);
        const int chunk = 1 << 30;
        for (long start = 0; start < data.Length; start += chunk)
        {
            var view = data.SubView(start, Math.Min(chunk, data.Length - start));
            kernel((int)view.Length, view, seed + (uint)(start / chunk));
        }

        accelerator.Synchronize();
    }

    public static float[] Host(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static void FillKernel(Index1D index, ArrayView<float> data, uint seed)
    {
        // A 32-bit integer hash (lowbias32): independent values per index without per-thread generator state.
        var x = (uint)index.X ^ (seed * 0x9E3779B9u);
        x ^= x >> 16;
        x *= 0x7FEB352Du;
        x ^= x >> 15;
        x *= 0x846CA68Bu;
        x ^= x >> 16;
        data[index] = ((x >> 8) * (1f / 8388608f)) - 1f;
    }
}
