using ILGPU;
using ILGPU.Runtime;
using Modal.Gpus.Kernels;

namespace Modal.Gpus.Tests.Kernels;

[Collection(CpuAcceleratorCollection.Name)]
public sealed class GemmTests(CpuAcceleratorFixture fixture)
{
    private readonly Accelerator accelerator = fixture.Context.Accelerator;

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(128, 8, 128)] // exactly one tile and one k-slice
    [InlineData(256, 24, 128)] // several tiles and slices, all full
    [InlineData(130, 20, 132)] // vector path with partial tiles in m and n and a partial k-slice
    [InlineData(129, 17, 131)] // scalar path: k and n not multiples of 4
    [InlineData(3, 5, 7)] // far smaller than a tile
    [InlineData(200, 1, 40)] // k of 1
    [InlineData(33, 70, 2)] // narrow C
    public void Multiply_matches_cpu_reference(int m, int k, int n)
    {
        var a = Random(m * k, seed: m + (31 * k));
        var b = Random(k * n, seed: n + (17 * k));

        var c = Gemm.Multiply(accelerator, a, b, m, k, n);

        AssertClose(Reference(a, b, m, k, n), c, k);
    }

    [Fact]
    public void Run_on_2d_subviews_uses_their_row_pitch()
    {
        // A 5 x 12 block inside a 9 x 16 matrix, times a 12 x 6 block inside a 14 x 10 matrix, into a block of a larger C.
        const int m = 5, k = 12, n = 6;
        var bigA = Random(9 * 16, seed: 1);
        var bigB = Random(14 * 10, seed: 2);
        using var deviceA = accelerator.Allocate2DDenseY<float>(new Index2D(9, 16));
        using var deviceB = accelerator.Allocate2DDenseY<float>(new Index2D(14, 10));
        using var deviceC = accelerator.Allocate2DDenseY<float>(new Index2D(8, 8));
        deviceA.View.BaseView.CopyFromCPU(bigA);
        deviceB.View.BaseView.CopyFromCPU(bigB);
        deviceC.MemSetToZero();

        var viewA = deviceA.View.SubView(new Index2D(2, 3), new Index2D(m, k));
        var viewB = deviceB.View.SubView(new Index2D(1, 2), new Index2D(k, n));
        var viewC = deviceC.View.SubView(new Index2D(1, 1), new Index2D(m, n));
        Gemm.Run(accelerator, viewA, viewB, viewC);
        var c = deviceC.View.BaseView.GetAsArray();

        var a = Block(bigA, 16, 2, 3, m, k);
        var b = Block(bigB, 10, 1, 2, k, n);
        var expected = Reference(a, b, m, k, n);
        for (var i = 0; i < 8; i++)
        {
            for (var j = 0; j < 8; j++)
            {
                var inside = i >= 1 && i < 1 + m && j >= 1 && j < 1 + n;
                var want = inside ? expected[((i - 1) * n) + (j - 1)] : 0f;
                Assert.True(Math.Abs(want - c[(i * 8) + j]) <= 1e-4f * k, $"C[{i},{j}] = {c[(i * 8) + j]}, expected {want}");
            }
        }
    }

    [Fact]
    public void Shapes_that_do_not_match_are_rejected_with_the_sizes()
    {
        var error = Assert.Throws<ArgumentException>(() => Gemm.Multiply(accelerator, new float[6], new float[5], 2, 3, 2));
        Assert.Contains("B holds 5 floats but a 3 x 2 matrix needs 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_product_returns_an_empty_matrix()
    {
        Assert.Empty(Gemm.Multiply(accelerator, [], new float[12], 0, 3, 4));
        Assert.Equal(new float[6], Gemm.Multiply(accelerator, [], [], 2, 0, 3));
    }

    private static float[] Reference(float[] a, float[] b, int m, int k, int n)
    {
        var c = new float[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    sum += (double)a[(i * k) + p] * b[(p * n) + j];
                }

                c[(i * n) + j] = (float)sum;
            }
        }

        return c;
    }

    private static void AssertClose(float[] expected, float[] actual, int k)
    {
        Assert.Equal(expected.Length, actual.Length);
        // Each element sums k products of values in [-1, 1]; float rounding grows with k.
        var tolerance = 1e-5f * Math.Max(8, k);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"C[{i}] = {actual[i]}, expected {expected[i]}");
        }
    }

    private static float[] Block(float[] matrix, int pitch, int row, int col, int rows, int cols)
    {
        var block = new float[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            Array.Copy(matrix, ((row + i) * pitch) + col, block, i * cols, cols);
        }

        return block;
    }

    internal static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
