using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace Modal.Gpus.Kernels;

/// <summary>
/// Single-precision matrix multiply, C = A * B, for row-major matrices on an ILGPU accelerator (CUDA on a GPU node, the
/// CPU accelerator in tests). Any shape works; when k and n are multiples of 4 and the views are 16-byte aligned the
/// kernel moves data as float4, which is the fast path.
/// </summary>
public static class Gemm
{
    private static readonly ConditionalWeakTable<Accelerator, Kernels> Loaded = new();

    /// <summary>
    /// C = A * B on <paramref name="accelerator"/>'s default stream. The views are row-major: index (row, column), with a
    /// row pitch of <c>Stride.XStride</c> elements, so sub-views of larger matrices work. Returns before the kernel
    /// finishes; synchronize the stream (or copy C back) to wait.
    /// </summary>
    public static void Run(
        Accelerator accelerator,
        ArrayView2D<float, Stride2D.DenseY> a,
        ArrayView2D<float, Stride2D.DenseY> b,
        ArrayView2D<float, Stride2D.DenseY> c)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        Run(accelerator.DefaultStream, a, b, c);
    }

    /// <inheritdoc cref="Run(Accelerator, ArrayView2D{float, Stride2D.DenseY}, ArrayView2D{float, Stride2D.DenseY}, ArrayView2D{float, Stride2D.DenseY})"/>
    public static void Run(
        AcceleratorStream stream,
        ArrayView2D<float, Stride2D.DenseY> a,
        ArrayView2D<float, Stride2D.DenseY> b,
        ArrayView2D<float, Stride2D.DenseY> c)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var m = ToInt(a.Extent.X, "rows of A");
        var k = ToInt(a.Extent.Y, "columns of A");
        var n = ToInt(b.Extent.Y, "columns of B");
        if (b.Extent.X != k)
        {
            throw new ArgumentException($"A is {m} x {k} but B has {b.Extent.X} rows; B must have as many rows as A has columns.", nameof(b));
        }

        if (c.Extent.X != m || c.Extent.Y != n)
        {
            throw new ArgumentException($"C is {c.Extent.X} x {c.Extent.Y} but A * B is {m} x {n}.", nameof(c));
        }

        Launch(stream, a.BaseView, b.BaseView, c.BaseView, m, n, k, a.Stride.XStride, b.Stride.XStride, c.Stride.XStride);
    }

    /// <summary>
    /// C = A * B for dense row-major matrices stored in 1D views: A is <paramref name="m"/> x <paramref name="k"/>, B is
    /// <paramref name="k"/> x <paramref name="n"/>, C is <paramref name="m"/> x <paramref name="n"/>. Asynchronous like
    /// the 2D overload.
    /// </summary>
    public static void Run(
        Accelerator accelerator,
        ArrayView1D<float, Stride1D.Dense> a,
        ArrayView1D<float, Stride1D.Dense> b,
        ArrayView1D<float, Stride1D.Dense> c,
        int m,
        int k,
        int n)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        Run(accelerator.DefaultStream, a, b, c, m, k, n);
    }

    /// <inheritdoc cref="Run(Accelerator, ArrayView1D{float, Stride1D.Dense}, ArrayView1D{float, Stride1D.Dense}, ArrayView1D{float, Stride1D.Dense}, int, int, int)"/>
    public static void Run(
        AcceleratorStream stream,
        ArrayView1D<float, Stride1D.Dense> a,
        ArrayView1D<float, Stride1D.Dense> b,
        ArrayView1D<float, Stride1D.Dense> c,
        int m,
        int k,
        int n)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckDimensions(m, k, n);
        CheckLength(a.Length, (long)m * k, "A", m, k);
        CheckLength(b.Length, (long)k * n, "B", k, n);
        CheckLength(c.Length, (long)m * n, "C", m, n);
        Launch(stream, a.BaseView, b.BaseView, c.BaseView, m, n, k, k, n, n);
    }

    /// <summary>
    /// Multiplies host matrices: uploads <paramref name="a"/> (<paramref name="m"/> x <paramref name="k"/>, row-major)
    /// and <paramref name="b"/> (<paramref name="k"/> x <paramref name="n"/>), runs the kernel and returns C
    /// (<paramref name="m"/> x <paramref name="n"/>, row-major).
    /// </summary>
    public static float[] Multiply(Accelerator accelerator, float[] a, float[] b, int m, int k, int n)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckDimensions(m, k, n);
        CheckLength(a.LongLength, (long)m * k, "A", m, k);
        CheckLength(b.LongLength, (long)k * n, "B", k, n);
        if (m == 0 || n == 0 || k == 0)
        {
            // ILGPU cannot allocate empty buffers, and the product of an empty inner dimension is all zeros.
            return new float[(long)m * n];
        }

        using var deviceA = accelerator.Allocate1D(a);
        using var deviceB = accelerator.Allocate1D(b);
        using var deviceC = accelerator.Allocate1D<float>((long)m * n);
        Run(accelerator.DefaultStream, deviceA.View, deviceB.View, deviceC.View, m, k, n);
        return deviceC.GetAsArray1D();
    }

    private static void Launch(
        AcceleratorStream stream,
        ArrayView<float> a,
        ArrayView<float> b,
        ArrayView<float> c,
        int m,
        int n,
        int k,
        long lda,
        long ldb,
        long ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        // Offsets inside the kernel are 32-bit: they are faster there, and 2^31 floats (8 GiB) per matrix is beyond
        // what one product on one device should be anyway.
        CheckAddressable(a, m, k, lda, "A");
        CheckAddressable(b, k, n, ldb, "B");
        CheckAddressable(c, m, n, ldc, "C");

        var accelerator = stream.Accelerator;
        var kernels = Loaded.GetValue(accelerator, acc => new Kernels(acc));
        var vectorized = k % 4 == 0 && n % 4 == 0 && lda % 4 == 0 && ldb % 4 == 0 && ldc % 4 == 0 &&
            IsAligned16(a) && IsAligned16(b) && IsAligned16(c);
        var config = new KernelConfig(
            new Index2D((n + GemmKernel.TileN - 1) / GemmKernel.TileN, (m + GemmKernel.TileM - 1) / GemmKernel.TileM),
            new Index2D(GemmKernel.GroupSize, 1));
        var kernel = vectorized ? kernels.Vector : kernels.Scalar;
        kernel(stream, config, a, b, c, m, n, k, (int)lda, (int)ldb, (int)ldc);
    }

    // Device allocations are at least 256-byte aligned, so a view is 16-byte aligned when its offset is.
    private static bool IsAligned16(ArrayView<float> view) => ((IContiguousArrayView)view).IndexInBytes % 16 == 0;

    private static void CheckDimensions(int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"Matrix dimensions must not be negative (m={m}, k={k}, n={n}).");
        }
    }

    private static void CheckLength(long actual, long expected, string name, int rows, int columns)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"{name} holds {actual} floats but a {rows} x {columns} matrix needs {expected}.", name.ToLowerInvariant());
        }
    }

    private static void CheckAddressable(ArrayView<float> view, int rows, int columns, long pitch, string name)
    {
        if (rows > 0 && columns > 0 && ((rows - 1) * pitch) + columns > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                name.ToLowerInvariant(),
                $"{name} spans more than 2^31 floats; split the product into row blocks of fewer elements.");
        }

        if (rows > 0 && columns > 0 && ((rows - 1) * pitch) + columns > view.Length)
        {
            throw new ArgumentException($"{name} is {rows} x {columns} with row pitch {pitch}, which does not fit its view of {view.Length} floats.", name.ToLowerInvariant());
        }
    }

    private static int ToInt(long value, string what) =>
        value <= int.MaxValue ? (int)value : throw new ArgumentOutOfRangeException(what, $"The {what} ({value}) exceed 2^31.");

    private sealed class Kernels
    {
        public Kernels(Accelerator accelerator)
        {
            KernelRequirements.Check(accelerator, "GEMM", GemmKernel.GroupSize, GemmKernel.SharedMemoryBytes);
            Vector = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int>(
                GemmKernel.Kernel<VectorGemmLayout>,
                GemmKernel.Specialization);
            Scalar = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int>(
                GemmKernel.Kernel<ScalarGemmLayout>,
                GemmKernel.Specialization);
        }

        public Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int> Vector { get; }

        public Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int> Scalar { get; }
    }
}
