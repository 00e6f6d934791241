using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace Modal.Gpus.Kernels;

/// <summary>
/// Kernels behind <see cref="EmbeddingIndex"/>: row normalization, row padding, and the score pass that computes
/// E · Qᵀ for up to 16 queries while reading E once. Rows are stored with a pitch that is a multiple of 8 floats
/// (<see cref="RowAlignment"/>), zero-padded, so every row starts 32-byte aligned and moves as float4.
/// </summary>
internal static class CosineKernels
{
    public const int QueriesPerPass = 16;

    /// <summary>Rows are padded to a multiple of 8 floats so every step of the score kernel is a whole one.</summary>
    public const int RowAlignment = 8;
    public const int ScoreGroupSize = 256;

    /// <summary>Each thread scores two rows (tid and tid + 256), so a group covers 512 rows.</summary>
    public const int RowsPerGroup = 2 * ScoreGroupSize;

    /// <summary>
    /// Float4s of each row staged per step: 8 floats, one 32-byte sector per row. Small steps keep the staging registers
    /// few enough for two groups per multiprocessor.
    /// </summary>
    private const int SliceFloat4s = 2;

    /// <summary>Staged row pitch in float4s; the spare float4 puts 8 consecutive rows on 8 distinct bank groups.</summary>
    private const int TilePitch = SliceFloat4s + 1;

    /// <summary>
    /// At most 128 registers per thread so two groups share a multiprocessor: while one waits at a barrier the other
    /// keeps loads in flight.
    /// </summary>
    public static KernelSpecialization ScoreSpecialization => new(ScoreGroupSize, 2);

    public const int ScoreSharedMemoryBytes = (RowsPerGroup + QueriesPerPass) * TilePitch * 16;

    /// <summary>Scales row <paramref name="row"/> (pitch <paramref name="pitch4"/> float4s) to unit length; a zero row stays zero.</summary>
    public static void Normalize(Index1D row, ArrayView<float> data, int pitch4)
    {
        var data4 = data.Cast<Float4>();
        var start = (long)row.X * pitch4;
        var sum = 0f;
        for (var i = 0; i < pitch4; i++)
        {
            var v = data4[start + i];
            sum = Float4.DotAdd(sum, v, v);
        }

        if (sum > 0f)
        {
            var scale = 1f / MathF.Sqrt(sum);
            for (var i = 0; i < pitch4; i++)
            {
                var v = data4[start + i];
                data4[start + i] = new Float4(v.X * scale, v.Y * scale, v.Z * scale, v.W * scale);
            }
        }
    }

    /// <summary>Copies row <paramref name="row"/> of a dense matrix with <paramref name="dimension"/> columns into a padded pitch.</summary>
    public static void PadRow(Index1D row, ArrayView<float> source, ArrayView<float> target, int dimension, int pitch)
    {
        var from = (long)row.X * dimension;
        var to = (long)row.X * pitch;
        for (var i = 0; i < pitch; i++)
        {
            target[to + i] = i < dimension ? source[from + i] : 0f;
        }
    }

    /// <summary>
    /// scores[q * n + r] = E[r] · Q[q] for the <paramref name="queryCount"/> (≤ 16) queries of this pass. One group per
    /// 512 rows; E is streamed through shared memory 8 floats of every row at a time, the next step's loads in flight
    /// while the current step is multiplied. The queries' slice is read from shared memory by every thread at the same
    /// address, which the hardware broadcasts.
    /// </summary>
    public static void Scores(ArrayView<float> embeddings, ArrayView<float> queries, ArrayView<float> scores, int n, int pitch4, int queryCount)
    {
        var rowTile = SharedMemory.Allocate<Float4>(RowsPerGroup * TilePitch);
        var queryTile = SharedMemory.Allocate<Float4>(QueriesPerPass * TilePitch);
        var e4 = embeddings.Cast<Float4>();
        var q4 = queries.Cast<Float4>();

        var tid = Group.IdxX;
        var row0 = (long)Grid.IdxX * RowsPerGroup;

        // Loader coordinates: float4 column (tid & 1) of rows (tid >> 1) + 128 j, j = 0..3.
        var loadColumn = tid & 1;
        var loadRow = tid >> 1;
        var steps = pitch4 / SliceFloat4s;

        var staged = LoadStep(e4, n, pitch4, row0, loadRow, loadColumn, 0);
        var stagedQuery = LoadQuery(q4, pitch4, tid, 0);
        var acc = default(ScorePair);
        for (var step = 0; step < steps; step++)
        {
            // Everyone has finished reading the previous step before the tile is overwritten.
            Group.Barrier();
            StoreStep(rowTile, loadRow, loadColumn, staged);
            if (tid < QueriesPerPass * SliceFloat4s)
            {
                queryTile[((tid >> 1) * TilePitch) + (tid & 1)] = stagedQuery;
            }

            Group.Barrier();
            if (step + 1 < steps)
            {
                staged = LoadStep(e4, n, pitch4, row0, loadRow, loadColumn, (step + 1) * SliceFloat4s);
                stagedQuery = LoadQuery(q4, pitch4, tid, (step + 1) * SliceFloat4s);
            }

            var first = tid * TilePitch;
            var second = (tid + ScoreGroupSize) * TilePitch;
            acc = Accumulate(acc, rowTile[first], rowTile[second], queryTile, 0);
            acc = Accumulate(acc, rowTile[first + 1], rowTile[second + 1], queryTile, 1);
        }

        StoreScores(scores, n, queryCount, row0 + tid, acc.First);
        StoreScores(scores, n, queryCount, row0 + tid + ScoreGroupSize, acc.Second);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ScorePair Accumulate(ScorePair acc, Float4 first, Float4 second, ArrayView<Float4> queryTile, int column)
    {
        acc = Accumulate(acc, first, second, queryTile[column], 0);
        acc = Accumulate(acc, first, second, queryTile[TilePitch + column], 1);
        acc = Accumulate(acc, first, second, queryTile[(2 * TilePitch) + column], 2);
        acc = Accumulate(acc, first, second, queryTile[(3 * TilePitch) + column], 3);
        acc = Accumulate(acc, first, second, queryTile[(4 * TilePitch) + column], 4);
        acc = Accumulate(acc, first, second, queryTile[(5 * TilePitch) + column], 5);
        acc = Accumulate(acc, first, second, queryTile[(6 * TilePitch) + column], 6);
        acc = Accumulate(acc, first, second, queryTile[(7 * TilePitch) + column], 7);
        acc = Accumulate(acc, first, second, queryTile[(8 * TilePitch) + column], 8);
        acc = Accumulate(acc, first, second, queryTile[(9 * TilePitch) + column], 9);
        acc = Accumulate(acc, first, second, queryTile[(10 * TilePitch) + column], 10);
        acc = Accumulate(acc, first, second, queryTile[(11 * TilePitch) + column], 11);
        acc = Accumulate(acc, first, second, queryTile[(12 * TilePitch) + column], 12);
        acc = Accumulate(acc, first, second, queryTile[(13 * TilePitch) + column], 13);
        acc = Accumulate(acc, first, second, queryTile[(14 * TilePitch) + column], 14);
        return Accumulate(acc, first, second, queryTile[(15 * TilePitch) + column], 15);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ScorePair Accumulate(ScorePair acc, Float4 first, Float4 second, Float4 query, int lane)
    {
        switch (lane)
        {
            case 0:
                acc.First.S0 = Float4.DotAdd(acc.First.S0, first, query);
                acc.Second.S0 = Float4.DotAdd(acc.Second.S0, second, query);
                break;
            case 1:
                acc.First.S1 = Float4.DotAdd(acc.First.S1, first, query);
                acc.Second.S1 = Float4.DotAdd(acc.Second.S1, second, query);
                break;
            case 2:
                acc.First.S2 = Float4.DotAdd(acc.First.S2, first, query);
                acc.Second.S2 = Float4.DotAdd(acc.Second.S2, second, query);
                break;
            case 3:
                acc.First.S3 = Float4.DotAdd(acc.First.S3, first, query);
                acc.Second.S3 = Float4.DotAdd(acc.Second.S3, second, query);
                break;
            case 4:
                acc.First.S4 = Float4.DotAdd(acc.First.S4, first, query);
                acc.Second.S4 = Float4.DotAdd(acc.Second.S4, second, query);
                break;
            case 5:
                acc.First.S5 = Float4.DotAdd(acc.First.S5, first, query);
                acc.Second.S5 = Float4.DotAdd(acc.Second.S5, second, query);
                break;
            case 6:
                acc.First.S6 = Float4.DotAdd(acc.First.S6, first, query);
                acc.Second.S6 = Float4.DotAdd(acc.Second.S6, second, query);
                break;
            case 7:
                acc.First.S7 = Float4.DotAdd(acc.First.S7, first, query);
                acc.Second.S7 = Float4.DotAdd(acc.Second.S7, second, query);
                break;
            case 8:
                acc.First.S8 = Float4.DotAdd(acc.First.S8, first, query);
                acc.Second.S8 = Float4.DotAdd(acc.Second.S8, second, query);
                break;
            case 9:
                acc.First.S9 = Float4.DotAdd(acc.First.S9, first, query);
                acc.Second.S9 = Float4.DotAdd(acc.Second.S9, second, query);
                break;
            case 10:
                acc.First.S10 = Float4.DotAdd(acc.First.S10, first, query);
                acc.Second.S10 = Float4.DotAdd(acc.Second.S10, second, query);
                break;
            case 11:
                acc.First.S11 = Float4.DotAdd(acc.First.S11, first, query);
                acc.Second.S11 = Float4.DotAdd(acc.Second.S11, second, query);
                break;
            case 12:
                acc.First.S12 = Float4.DotAdd(acc.First.S12, first, query);
                acc.Second.S12 = Float4.DotAdd(acc.Second.S12, second, query);
                break;
            case 13:
                acc.First.S13 = Float4.DotAdd(acc.First.S13, first, query);
                acc.Second.S13 = Float4.DotAdd(acc.Second.S13, second, query);
                break;
            case 14:
                acc.First.S14 = Float4.DotAdd(acc.First.S14, first, query);
                acc.Second.S14 = Float4.DotAdd(acc.Second.S14, second, query);
                break;
            default:
                acc.First.S15 = Float4.DotAdd(acc.First.S15, first, query);
                acc.Second.S15 = Float4.DotAdd(acc.Second.S15, second, query);
                break;
        }

        return acc;
    }

    /// <summary>
    /// Rows past the end are read as the last row instead of being skipped: the load stays unconditional (no branch in
    /// the hot loop), and the scores of those rows are never stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Staged4 LoadStep(ArrayView<Float4> e4, int n, int pitch4, long row0, int loadRow, int column, int step4)
    {
        var last = n - 1L;
        var col = step4 + column;
        var row = row0 + loadRow;
        Staged4 staged;
        staged.P0 = e4[(Math.Min(row, last) * pitch4) + col];
        staged.P1 = e4[(Math.Min(row + 128, last) * pitch4) + col];
        staged.P2 = e4[(Math.Min(row + 256, last) * pitch4) + col];
        staged.P3 = e4[(Math.Min(row + 384, last) * pitch4) + col];
        return staged;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Float4 LoadQuery(ArrayView<Float4> q4, int pitch4, int tid, int step4)
    {
        return tid < QueriesPerPass * SliceFloat4s ? q4[((tid >> 1) * pitch4) + step4 + (tid & 1)] : default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreStep(ArrayView<Float4> tile, int loadRow, int column, Staged4 staged)
    {
        var index = (loadRow * TilePitch) + column;
        tile[index] = staged.P0;
        tile[index + (128 * TilePitch)] = staged.P1;
        tile[index + (256 * TilePitch)] = staged.P2;
        tile[index + (384 * TilePitch)] = staged.P3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScores(ArrayView<float> scores, int n, int queryCount, long row, Lanes16 lanes)
    {
        if (row >= n)
        {
            return;
        }

        for (var q = 0; q < queryCount; q++)
        {
            scores[((long)q * n) + row] = lanes.Get(q);
        }
    }
}
