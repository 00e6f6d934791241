using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace Modal.Gpus.Kernels;

/// <summary>
/// The SGEMM kernel behind <see cref="Gemm"/>. A group of 256 threads computes a 128 x 128 tile of C. K is walked in
/// slices of 8: each slice of A (transposed) and B is staged in shared memory, double-buffered so the next slice's
/// global loads are in flight while the current one is multiplied, and each thread keeps an 8 x 8 block of C in
/// registers. A thread's 8 rows (and 8 columns) are two runs of 4 that lie 64 apart, so a warp's 128-bit shared loads
/// hit distinct banks and its stores of C are coalesced.
/// </summary>
internal static class GemmKernel
{
    public const int TileM = 128;
    public const int TileN = 128;
    public const int TileK = 8;
    public const int GroupSize = 256;

    /// <summary>Row pitch of the transposed A slice; the 4 extra floats stop the transposing stores from sharing banks.</summary>
    private const int AStride = TileM + 4;

    private const int ABufferSize = TileK * AStride;
    private const int BBufferSize = TileK * TileN;

    /// <summary>
    /// At most 128 registers per thread (the kernel needs about 123), so two groups share a multiprocessor and one
    /// computes while the other waits at its barrier. Without the cap the driver's compiler is free to use more.
    /// </summary>
    public static KernelSpecialization Specialization => new(GroupSize, 2);

    /// <summary>Shared memory per group, in bytes: two buffers each of A and B.</summary>
    public const int SharedMemoryBytes = 2 * (ABufferSize + BBufferSize) * sizeof(float);

    /// <summary>
    /// C[m x n] = A[m x k] * B[k x n], all row-major with leading dimensions <paramref name="lda"/>, <paramref name="ldb"/>,
    /// <paramref name="ldc"/>. Launched with one group of <see cref="GroupSize"/> threads per 128 x 128 tile of C
    /// (grid x over columns, y over rows).
    /// </summary>
    public static void Kernel<TLayout>(
        ArrayView<float> a,
        ArrayView<float> b,
        ArrayView<float> c,
        int m,
        int n,
        int k,
        int lda,
        int ldb,
        int ldc)
        where TLayout : struct, IGemmLayout
    {
        var aTile = SharedMemory.Allocate<float>(2 * ABufferSize);
        var bTile = SharedMemory.Allocate<float>(2 * BBufferSize);
        var aTile4 = aTile.Cast<Float4>();
        var bTile4 = bTile.Cast<Float4>();

        var tid = Group.IdxX;
        var tx = tid & 15;
        var ty = tid >> 4;
        var m0 = Grid.IdxY * TileM;
        var n0 = Grid.IdxX * TileN;

        // Each thread moves one float4 of A (row tid/2, columns 0-3 or 4-7 of the slice) and one of B (row tid/32).
        var aRow = tid >> 1;
        var aCol = (tid & 1) << 2;
        var bRow = tid >> 5;
        var bCol = (tid & 31) << 2;

        var nextA = LoadA<TLayout>(a, m, k, lda, m0 + aRow, aCol);
        var nextB = LoadB<TLayout>(b, n, k, ldb, bRow, n0 + bCol);
        StoreA(aTile, 0, aRow, aCol, nextA);
        bTile4[(bRow * TileN + bCol) >> 2] = nextB;
        Group.Barrier();

        var acc = default(Tile8x8);
        var slices = (k + TileK - 1) / TileK;
        for (var s = 0; s < slices; s++)
        {
            var current = s & 1;
            var more = s + 1 < slices;
            if (more)
            {
                var k0 = (s + 1) * TileK;
                nextA = LoadA<TLayout>(a, m, k, lda, m0 + aRow, k0 + aCol);
                nextB = LoadB<TLayout>(b, n, k, ldb, k0 + bRow, n0 + bCol);
            }

            // Float4 indices of this thread's fragments in the current buffers.
            var a4 = ((current * ABufferSize) >> 2) + ty;
            var b4 = ((current * BBufferSize) >> 2) + tx;
            acc = Step(acc, aTile4, bTile4, a4, b4);
            acc = Step(acc, aTile4, bTile4, a4 + (1 * AStride / 4), b4 + (1 * TileN / 4));
            acc = Step(acc, aTile4, bTile4, a4 + (2 * AStride / 4), b4 + (2 * TileN / 4));
            acc = Step(acc, aTile4, bTile4, a4 + (3 * AStride / 4), b4 + (3 * TileN / 4));
            acc = Step(acc, aTile4, bTile4, a4 + (4 * AStride / 4), b4 + (4 * TileN / 4));
            acc = Step(acc, aTile4, bTile4, a4 + (5 * AStride / 4), b4 + (5 * TileN / 4));
            acc = Step(acc, aTile4, bTile4, a4 + (6 * AStride / 4), b4 + (6 * TileN / 4));
            acc = Step(acc, aTile4, bTile4, a4 + (7 * AStride / 4), b4 + (7 * TileN / 4));

            if (more)
            {
                // The other buffer was last read in the previous slice, which every thread finished before the barrier.
                var next = current ^ 1;
                StoreA(aTile, next, aRow, aCol, nextA);
                bTile4[((next * BBufferSize) + (bRow * TileN) + bCol) >> 2] = nextB;
            }

            Group.Barrier();
        }

        var row = m0 + (ty << 2);
        var colLo = n0 + (tx << 2);
        var colHi = colLo + 64;
        StoreC<TLayout>(c, m, n, ldc, row, colLo, colHi, acc.R0L, acc.R0H);
        StoreC<TLayout>(c, m, n, ldc, row + 1, colLo, colHi, acc.R1L, acc.R1H);
        StoreC<TLayout>(c, m, n, ldc, row + 2, colLo, colHi, acc.R2L, acc.R2H);
        StoreC<TLayout>(c, m, n, ldc, row + 3, colLo, colHi, acc.R3L, acc.R3H);
        StoreC<TLayout>(c, m, n, ldc, row + 64, colLo, colHi, acc.R4L, acc.R4H);
        StoreC<TLayout>(c, m, n, ldc, row + 65, colLo, colHi, acc.R5L, acc.R5H);
        StoreC<TLayout>(c, m, n, ldc, row + 66, colLo, colHi, acc.R6L, acc.R6H);
        StoreC<TLayout>(c, m, n, ldc, row + 67, colLo, colHi, acc.R7L, acc.R7H);
    }

    /// <summary>One k of the slice: two float4 of A (rows), two of B (columns), 64 fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Tile8x8 Step(Tile8x8 t, ArrayView<Float4> aTile4, ArrayView<Float4> bTile4, int a4, int b4)
    {
        var aLo = aTile4[a4];
        var aHi = aTile4[a4 + 16];
        var bLo = bTile4[b4];
        var bHi = bTile4[b4 + 16];
        t.R0L = Float4.MulAdd(t.R0L, aLo.X, bLo);
        t.R0H = Float4.MulAdd(t.R0H, aLo.X, bHi);
        t.R1L = Float4.MulAdd(t.R1L, aLo.Y, bLo);
        t.R1H = Float4.MulAdd(t.R1H, aLo.Y, bHi);
        t.R2L = Float4.MulAdd(t.R2L, aLo.Z, bLo);
        t.R2H = Float4.MulAdd(t.R2H, aLo.Z, bHi);
        t.R3L = Float4.MulAdd(t.R3L, aLo.W, bLo);
        t.R3H = Float4.MulAdd(t.R3H, aLo.W, bHi);
        t.R4L = Float4.MulAdd(t.R4L, aHi.X, bLo);
        t.R4H = Float4.MulAdd(t.R4H, aHi.X, bHi);
        t.R5L = Float4.MulAdd(t.R5L, aHi.Y, bLo);
        t.R5H = Float4.MulAdd(t.R5H, aHi.Y, bHi);
        t.R6L = Float4.MulAdd(t.R6L, aHi.Z, bLo);
        t.R6H = Float4.MulAdd(t.R6H, aHi.Z, bHi);
        t.R7L = Float4.MulAdd(t.R7L, aHi.W, bLo);
        t.R7H = Float4.MulAdd(t.R7H, aHi.W, bHi);
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Float4 LoadA<TLayout>(ArrayView<float> a, int m, int k, int lda, int row, int col)
        where TLayout : struct, IGemmLayout
    {
        if (row >= m)
        {
            return default;
        }

        var offset = (row * lda) + col;
        if (default(TLayout).Vectorized)
        {
            return col < k ? a.Cast<Float4>()[offset >> 2] : default;
        }

        return new Float4(
            col < k ? a[offset] : 0f,
            col + 1 < k ? a[offset + 1] : 0f,
            col + 2 < k ? a[offset + 2] : 0f,
            col + 3 < k ? a[offset + 3] : 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Float4 LoadB<TLayout>(ArrayView<float> b, int n, int k, int ldb, int row, int col)
        where TLayout : struct, IGemmLayout
    {
        if (row >= k)
        {
            return default;
        }

        var offset = (row * ldb) + col;
        if (default(TLayout).Vectorized)
        {
            return col < n ? b.Cast<Float4>()[offset >> 2] : default;
        }

        return new Float4(
            col < n ? b[offset] : 0f,
            col + 1 < n ? b[offset + 1] : 0f,
            col + 2 < n ? b[offset + 2] : 0f,
            col + 3 < n ? b[offset + 3] : 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreA(ArrayView<float> aTile, int buffer, int row, int col, Float4 value)
    {
        var index = (buffer * ABufferSize) + (col * AStride) + row;
        aTile[index] = value.X;
        aTile[index + AStride] = value.Y;
        aTile[index + (2 * AStride)] = value.Z;
        aTile[index + (3 * AStride)] = value.W;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreC<TLayout>(ArrayView<float> c, int m, int n, int ldc, int row, int colLo, int colHi, Float4 lo, Float4 hi)
        where TLayout : struct, IGemmLayout
    {
        if (row >= m)
        {
            return;
        }

        var offset = row * ldc;
        if (default(TLayout).Vectorized)
        {
            var c4 = c.Cast<Float4>();
            if (colLo < n)
            {
                c4[(offset + colLo) >> 2] = lo;
            }

            if (colHi < n)
            {
                c4[(offset + colHi) >> 2] = hi;
            }

            return;
        }

        StoreScalar(c, n, offset, colLo, lo);
        StoreScalar(c, n, offset, colHi, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScalar(ArrayView<float> c, int n, int offset, int col, Float4 value)
    {
        if (col < n)
        {
            c[offset + col] = value.X;
        }

        if (col + 1 < n)
        {
            c[offset + col + 1] = value.Y;
        }

        if (col + 2 < n)
        {
            c[offset + col + 2] = value.Z;
        }

        if (col + 3 < n)
        {
            c[offset + col + 3] = value.W;
        }
    }
}
