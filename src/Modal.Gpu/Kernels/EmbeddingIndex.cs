using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace Modal.Gpus.Kernels;

/// <summary>
/// Exact cosine-similarity search over an embedding matrix kept on the device. The rows are normalized once, when the
/// index is built; a search normalizes its queries, scores every row against up to 16 queries per pass while reading
/// the matrix once, and selects each query's top k on the device. Searches are serialized; build one index per thread
/// for parallel searches.
/// </summary>
public sealed class EmbeddingIndex : IDisposable
{
    /// <summary>The largest k a search may ask for.</summary>
    public const int MaxK = TopKKernel.MaxRun;

    /// <summary>Queries scored per pass over the matrix: a batch of up to this many costs one read of the matrix.</summary>
    public const int QueriesPerPass = CosineKernels.QueriesPerPass;

    private static readonly ConditionalWeakTable<Accelerator, Kernels> Loaded = new();

    private readonly Accelerator accelerator;
    private readonly Kernels kernels;
    // Row-major while the index is built, then the tiled layout the score kernel streams (CosineKernels.TileRow).
    private MemoryBuffer1D<float, Stride1D.Dense>? rows;
    private readonly int pitch;
    private readonly object gate = new();
    private MemoryBuffer1D<float, Stride1D.Dense>? queryBuffer;
    private MemoryBuffer1D<float, Stride1D.Dense>? scoreBuffer;
    private MemoryBuffer1D<ulong, Stride1D.Dense>? candidatesA;
    private MemoryBuffer1D<ulong, Stride1D.Dense>? candidatesB;
    private bool disposed;

    /// <summary>
    /// Uploads <paramref name="embeddings"/>, a row-major matrix of <paramref name="dimension"/> columns, and normalizes
    /// its rows on the device.
    /// </summary>
    public EmbeddingIndex(Accelerator accelerator, ReadOnlySpan<float> embeddings, int dimension)
        : this(accelerator, CountRows(embeddings.Length, dimension), dimension)
    {
        if (rows is null)
        {
            return;
        }

        var stream = accelerator.DefaultStream;
        if (pitch == dimension)
        {
            rows.View.CopyFromCPU(stream, embeddings);
        }
        else
        {
            // Pad on the host in blocks so the upload needs one small staging array, not a second copy of the matrix.
            const int blockRows = 8192;
            var block = new float[blockRows * pitch];
            for (var start = 0; start < Count; start += blockRows)
            {
                var count = Math.Min(blockRows, Count - start);
                Array.Clear(block);
                for (var r = 0; r < count; r++)
                {
                    embeddings.Slice((start + r) * dimension, dimension).CopyTo(block.AsSpan(r * pitch, dimension));
                }

                rows.View.SubView((long)start * pitch, (long)count * pitch).CopyFromCPU(stream, block.AsSpan(0, count * pitch));
            }
        }

        kernels.Normalize(stream, Count, rows.View, pitch / 4);
        TileRows(stream);
    }

    /// <summary>Uploads one embedding per array element; every row must have the same length.</summary>
    public EmbeddingIndex(Accelerator accelerator, float[][] embeddings)
        : this(accelerator, Flatten(embeddings, out var dimension), dimension)
    {
    }

    private EmbeddingIndex(Accelerator accelerator, int count, int dimension)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (dimension <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), $"The embedding dimension must be positive, not {dimension}.");
        }

        this.accelerator = accelerator;
        kernels = Loaded.GetValue(accelerator, acc => new Kernels(acc));
        Count = count;
        Dimension = dimension;
        pitch = (dimension + CosineKernels.RowAlignment - 1) / CosineKernels.RowAlignment * CosineKernels.RowAlignment;
        if (count > 0)
        {
            rows = accelerator.Allocate1D<float>((long)count * pitch);
        }
    }

    /// <summary>How many embeddings the index holds.</summary>
    public int Count { get; }

    public int Dimension { get; }

    /// <summary>
    /// Builds an index from <paramref name="count"/> rows of <paramref name="dimension"/> floats already on the device
    /// (row-major, densely packed). The data is copied, so the caller may free <paramref name="embeddings"/> afterwards.
    /// </summary>
    public static EmbeddingIndex FromDevice(Accelerator accelerator, ArrayView<float> embeddings, int count, int dimension)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (embeddings.Length < (long)count * dimension)
        {
            throw new ArgumentException($"The view holds {embeddings.Length} floats but {count} rows of {dimension} need {(long)count * dimension}.", nameof(embeddings));
        }

        var index = new EmbeddingIndex(accelerator, count, dimension);
        if (index.rows is null)
        {
            return index;
        }

        var stream = accelerator.DefaultStream;
        if (index.pitch == dimension)
        {
            ((ArrayView1D<float, Stride1D.Dense>)embeddings.SubView(0, (long)count * dimension)).CopyTo(stream, index.rows.View);
        }
        else
        {
            index.kernels.PadRows(stream, count, embeddings, index.rows.View, dimension, index.pitch);
        }

        index.kernels.Normalize(stream, count, index.rows.View, index.pitch / 4);
        index.TileRows(stream);
        return index;
    }

    /// <summary>The <paramref name="k"/> rows most similar to <paramref name="query"/>, best first.</summary>
    public SearchHit[] Search(float[] query, int k)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Search([query], k)[0];
    }

    /// <summary>
    /// For each query, the <paramref name="k"/> rows with the highest cosine similarity, best first (ties go to the lower
    /// index). Returns fewer than k hits only when the index holds fewer rows. A zero query scores 0 against every row.
    /// </summary>
    public SearchHit[][] Search(float[][] queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (k < 1 || k > MaxK)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"k must be between 1 and {MaxK}, not {k}.");
        }

        for (var q = 0; q < queries.Length; q++)
        {
            if (queries[q] is null || queries[q].Length != Dimension)
            {
                throw new ArgumentException(
                    $"Query {q} has {(queries[q] is null ? "no" : queries[q].Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} values; the index's embeddings have {Dimension}.",
                    nameof(queries));
            }
        }

        var results = new SearchHit[queries.Length][];
        if (Count == 0)
        {
            Array.Fill(results, Array.Empty<SearchHit>());
            return results;
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var kp = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)k);
            EnsureBuffers(kp);
            for (var first = 0; first < queries.Length; first += QueriesPerPass)
            {
                var count = Math.Min(QueriesPerPass, queries.Length - first);
                SearchPass(queries.AsSpan(first, count), k, kp, results.AsSpan(first, count));
            }
        }

        return results;
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            rows?.Dispose();
            queryBuffer?.Dispose();
            scoreBuffer?.Dispose();
            candidatesA?.Dispose();
            candidatesB?.Dispose();
        }
    }

    /// <summary>
    /// One search of up to 16 queries with the device synchronized after each phase, timed: where a search's time goes
    /// (the GPU benchmark prints it). The synchronizations add a few microseconds per phase.
    /// </summary>
    internal IReadOnlyList<(string Phase, double Ms)> ProfileSearch(float[][] queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Length is 0 or > QueriesPerPass || k < 1 || k > MaxK || Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(queries), $"A profiled search takes 1 to {QueriesPerPass} queries and a k of 1 to {MaxK} over a non-empty index.");
        }

        var phases = new List<(string, double)>();
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var kp = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)k);
            EnsureBuffers(kp);
            accelerator.DefaultStream.Synchronize();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            SearchPass(queries, k, kp, new SearchHit[queries.Length][], phase =>
            {
                accelerator.DefaultStream.Synchronize();
                phases.Add((phase, watch.Elapsed.TotalMilliseconds));
                watch.Restart();
            });
        }

        return phases;
    }

    private void SearchPass(ReadOnlySpan<float[]> queries, int k, int kp, Span<SearchHit[]> results, Action<string>? phaseDone = null)
    {
        var stream = accelerator.DefaultStream;
        var padded = new float[QueriesPerPass * pitch];
        for (var q = 0; q < queries.Length; q++)
        {
            queries[q].CopyTo(padded.AsSpan(q * pitch));
        }

        queryBuffer!.View.CopyFromCPU(stream, padded);
        kernels.Normalize(stream, queries.Length, queryBuffer.View, pitch / 4);
        phaseDone?.Invoke("queries");
        kernels.Scores(stream, rows!.View, queryBuffer.View, scoreBuffer!.View, Count, pitch / 4, queries.Length);
        phaseDone?.Invoke("scores");

        var count = Count;
        var inStride = (long)Count;
        var fromScores = true;
        var input = candidatesB!;
        var output = candidatesA!;
        long outStride;
        if (kp <= TopKKernel.PrefilterMaxRun && Count > TopKKernel.ChunkSize)
        {
            // Most scores cannot be in a small top k: a register pass drops them before the bitonic passes sort the rest.
            var spans = (Count + TopKKernel.PrefilterSpan - 1) / TopKKernel.PrefilterSpan;
            outStride = (long)spans * TopKKernel.GroupSize * kp;
            kernels.Prefilter(stream, spans, queries.Length, scoreBuffer.View, output.View, count, inStride, outStride, kp);
            count = (int)outStride;
            inStride = outStride;
            fromScores = false;
            (input, output) = (output, input);
        }

        while (true)
        {
            var chunks = (count + TopKKernel.ChunkSize - 1) / TopKKernel.ChunkSize;
            outStride = (long)chunks * kp;
            kernels.TopK(stream, chunks, queries.Length, scoreBuffer.View, input.View, output.View, count, inStride, outStride, kp, fromScores);
            if (chunks == 1)
            {
                break;
            }

            count = (int)outStride;
            inStride = outStride;
            fromScores = false;
            (input, output) = (output, input);
        }

        phaseDone?.Invoke("select");
        // The last pass had one chunk per query, so its output is every query's kp candidates back to back: one copy.
        var best = new ulong[queries.Length * kp];
        output.View.SubView(0, best.Length).CopyToCPU(stream, best);

        stream.Synchronize();
        phaseDone?.Invoke("results");
        var take = Math.Min(k, Count);
        for (var q = 0; q < queries.Length; q++)
        {
            var hits = new SearchHit[take];
            for (var x = 0; x < take; x++)
            {
                if (!TopKKernel.TryUnpack(best[(q * kp) + x], out var index, out var score))
                {
                    throw new InvalidOperationException($"The top-k kernel returned padding at rank {x} of {take} for query {q}; this is a bug in Modal.Gpu.");
                }

                hits[x] = new SearchHit(index, score);
            }

            results[q] = hits;
        }
    }

    /// <summary>Replaces the normalized row-major rows with their tiled copy (the build briefly holds both).</summary>
    private void TileRows(AcceleratorStream stream)
    {
        var tileCount = (Count + CosineKernels.RowsPerGroup - 1) / CosineKernels.RowsPerGroup;
        var tiled = accelerator.Allocate1D<float>((long)tileCount * CosineKernels.RowsPerGroup * pitch);
        try
        {
            kernels.TileRows(stream, tileCount * CosineKernels.RowsPerGroup, rows!.View, tiled.View, Count, pitch);
            stream.Synchronize();
        }
        catch
        {
            tiled.Dispose();
            throw;
        }

        rows!.Dispose();
        rows = tiled;
    }

    private void EnsureBuffers(int kp)
    {
        queryBuffer ??= accelerator.Allocate1D<float>((long)QueriesPerPass * pitch);
        scoreBuffer ??= accelerator.Allocate1D<float>((long)QueriesPerPass * Count);

        // The first selection pass writes the most candidates: kp per chunk of the scores, or, for a small kp, kp per
        // prefilter thread.
        var chunks = ((long)Count + TopKKernel.ChunkSize - 1) / TopKKernel.ChunkSize;
        var spans = ((long)Count + TopKKernel.PrefilterSpan - 1) / TopKKernel.PrefilterSpan;
        var needed = QueriesPerPass * Math.Max(chunks, spans * TopKKernel.GroupSize) * kp;
        if (candidatesA is null || candidatesA.Length < needed)
        {
            candidatesA?.Dispose();
            candidatesB?.Dispose();
            candidatesA = accelerator.Allocate1D<ulong>(needed);
            candidatesB = accelerator.Allocate1D<ulong>(needed);
        }
    }

    private static int CountRows(int length, int dimension)
    {
        if (dimension <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), $"The embedding dimension must be positive, not {dimension}.");
        }

        if (length % dimension != 0)
        {
            throw new ArgumentException($"{length} floats do not divide into rows of {dimension}.", "embeddings");
        }

        return length / dimension;
    }

    private static float[] Flatten(float[][] embeddings, out int dimension)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Length == 0)
        {
            throw new ArgumentException("There are no embeddings; pass at least one row so the dimension is known.", nameof(embeddings));
        }

        dimension = embeddings[0]?.Length ?? 0;
        var flat = new float[(long)embeddings.Length * dimension];
        for (var r = 0; r < embeddings.Length; r++)
        {
            if (embeddings[r] is null || embeddings[r].Length != dimension)
            {
                throw new ArgumentException($"Row {r} has {embeddings[r]?.Length ?? 0} values but row 0 has {dimension}; all rows need the same dimension.", nameof(embeddings));
            }

            embeddings[r].CopyTo(flat, (long)r * dimension);
        }

        return flat;
    }

    private sealed class Kernels
    {
        private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, int> normalize;
        private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int> padRow;
        private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int> tileRow;
        private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, long> scores;
        private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<ulong>, ArrayView<ulong>, int, long, long, int, int, int> topK;
        private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<ulong>, int, long, long, int> prefilter;

        public Kernels(Accelerator accelerator)
        {
            KernelRequirements.Check(accelerator, "cosine score", CosineKernels.ScoreGroupSize, CosineKernels.ScoreSharedMemoryBytes);
            KernelRequirements.Check(accelerator, "top-k", TopKKernel.GroupSize, TopKKernel.SharedMemoryBytes);
            normalize = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, int>(CosineKernels.Normalize);
            padRow = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(CosineKernels.PadRow);
            tileRow = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(CosineKernels.TileRow);
            scores = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, long>(
                CosineKernels.Scores,
                CosineKernels.ScoreSpecialization);
            prefilter = accelerator.LoadKernel<ArrayView<float>, ArrayView<ulong>, int, long, long, int>(TopKKernel.Prefilter);
            topK = accelerator.LoadKernel<ArrayView<float>, ArrayView<ulong>, ArrayView<ulong>, int, long, long, int, int, int>(TopKKernel.Kernel);
        }

        public void Normalize(AcceleratorStream stream, int count, ArrayView<float> data, int pitch4) => normalize(stream, count, data, pitch4);

        public void PadRows(AcceleratorStream stream, int count, ArrayView<float> source, ArrayView<float> target, int dimension, int pitch) =>
            padRow(stream, count, source, target, dimension, pitch);

        public void TileRows(AcceleratorStream stream, int paddedCount, ArrayView<float> source, ArrayView<float> target, int count, int pitch) =>
            tileRow(stream, paddedCount, source, target, count, pitch);

        public void Scores(AcceleratorStream stream, ArrayView<float> rows, ArrayView<float> queries, ArrayView<float> output, int count, int pitch4, int queryCount)
        {
            var groups = (count + CosineKernels.RowsPerGroup - 1) / CosineKernels.RowsPerGroup;
            scores(stream, new KernelConfig(groups, CosineKernels.ScoreGroupSize), rows, queries, output, count, pitch4, queryCount, rows.LoadEffectiveAddressAsPtr().ToInt64());
        }

        public void Prefilter(AcceleratorStream stream, int spans, int queryCount, ArrayView<float> scoreView, ArrayView<ulong> output, int count, long inStride, long outStride, int kp)
        {
            var config = new KernelConfig(new Index2D(spans, queryCount), new Index2D(TopKKernel.GroupSize, 1));
            prefilter(stream, config, scoreView, output, count, inStride, outStride, kp);
        }

        public void TopK(
            AcceleratorStream stream,
            int chunks,
            int queryCount,
            ArrayView<float> scoreView,
            ArrayView<ulong> input,
            ArrayView<ulong> output,
            int count,
            long inStride,
            long outStride,
            int kp,
            bool fromScores)
        {
            var config = new KernelConfig(new Index2D(chunks, queryCount), new Index2D(TopKKernel.GroupSize, 1));
            topK(stream, config, scoreView, input, output, count, inStride, outStride, kp, System.Numerics.BitOperations.Log2((uint)kp), fromScores ? 1 : 0);
        }
    }
}
