using ILGPU.Runtime;
using Modal.Gpus.Kernels;

namespace Modal.GpuBench;

/// <summary>Small runs of both kernels compared with straightforward CPU code, on the device being measured.</summary>
internal static class Verification
{
    public static bool Run(Accelerator accelerator)
    {
        var ok = Gemm(accelerator, 300, 200, 260); // float4 path with partial tiles
        ok &= Gemm(accelerator, 257, 129, 263); // scalar path
        ok &= TopK(accelerator, rows: 20_000, dimension: 96, queries: 20, k: 32);
        ok &= TopK(accelerator, rows: 9_000, dimension: 13, queries: 3, k: 700);
        return ok;
    }

    private static bool Gemm(Accelerator accelerator, int m, int k, int n)
    {
        var a = DeviceRandom.Host(m * k, 1);
        var b = DeviceRandom.Host(k * n, 2);
        var c = Modal.Gpus.Kernels.Gemm.Multiply(accelerator, a, b, m, k, n);
        double maxError = 0;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    sum += (double)a[(i * k) + p] * b[(p * n) + j];
                }

                maxError = Math.Max(maxError, Math.Abs(sum - c[(i * n) + j]));
            }
        }

        var ok = maxError <= 1e-3;
        JsonLine.Write(("case", "verify"), ("kernel", "gemm"), ("m", m), ("k", k), ("n", n), ("max_abs_error", maxError), ("ok", ok));
        return ok;
    }

    private static bool TopK(Accelerator accelerator, int rows, int dimension, int queries, int k)
    {
        var embeddings = DeviceRandom.Host(rows * dimension, 3);
        var batch = Enumerable.Range(0, queries).Select(q => DeviceRandom.Host(dimension, 100 + q)).ToArray();
        using var index = new EmbeddingIndex(accelerator, embeddings, dimension);
        var results = index.Search(batch, k);

        var norms = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            double sum = 0;
            for (var d = 0; d < dimension; d++)
            {
                sum += (double)embeddings[(r * dimension) + d] * embeddings[(r * dimension) + d];
            }

            norms[r] = Math.Sqrt(sum);
        }

        double maxError = 0;
        var ok = true;
        for (var q = 0; q < queries; q++)
        {
            var query = batch[q];
            var queryNorm = Math.Sqrt(query.Sum(v => (double)v * v));
            var scores = new double[rows];
            for (var r = 0; r < rows; r++)
            {
                double dot = 0;
                for (var d = 0; d < dimension; d++)
                {
                    dot += (double)embeddings[(r * dimension) + d] * query[d];
                }

                scores[r] = dot / norms[r] / queryNorm;
            }

            var expected = Enumerable.Range(0, rows).OrderByDescending(r => scores[r]).ThenBy(r => r).Take(k).ToArray();
            ok &= results[q].Length == expected.Length && results[q].Select(h => h.Index).Distinct().Count() == expected.Length;
            for (var rank = 0; rank < Math.Min(expected.Length, results[q].Length); rank++)
            {
                var want = scores[expected[rank]];
                maxError = Math.Max(maxError, Math.Abs(results[q][rank].Score - want));
                maxError = Math.Max(maxError, Math.Abs(scores[results[q][rank].Index] - want));
            }
        }

        ok &= maxError <= 1e-4;
        JsonLine.Write(("case", "verify"), ("kernel", "topk"), ("rows", rows), ("dim", dimension), ("queries", queries), ("k", k), ("max_abs_error", maxError), ("ok", ok));
        return ok;
    }
}
