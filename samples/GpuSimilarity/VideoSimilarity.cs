using System.Diagnostics;
using Modal;
using Modal.Gpus.Kernels;

namespace GpuSimilarity;

/// <summary>
/// Video similarity over 100,000 videos, after the reference's batch-processing example: each container builds an
/// <see cref="EmbeddingIndex"/> (cosine similarity and top-k on the accelerator) once and answers queries with it, one
/// at a time (remote, map) or grouped into batches by the server ([Batched]), where one pass over the embedding matrix
/// answers up to 16 queries.
/// <para>
/// GPUs: by default the functions state no gpu and run the kernels on ILGPU's CPU accelerator, explicitly (see
/// <see cref="SampleGpu"/>), so the sample runs on any machine. Build with <c>-p:SampleGpu=true</c> to give them
/// gpu="any": the control plane then assigns each container a GPU and the kernels run on CUDA.
/// </para>
/// Run it with <c>dotnet run --project samples/GpuSimilarity</c> (the full catalogue) or, smaller,
/// <c>dotnet run --project samples/GpuSimilarity -- --videos 2000 --queries 4</c>.
/// </summary>
[App("gpu-similarity")]
public static partial class VideoSimilarity
{
    /// <summary>Neighbours returned per query.</summary>
    public const int K = 5;

    private static readonly Dictionary<int, Lazy<VideoIndex>> Indexes = [];

    /// <summary>The videos most similar to the query's video, best first (the video itself comes first).</summary>
    [Function(Gpu = SampleGpu.Request, MaxContainers = 1)]
    public static List<Match> FindSimilar(SimilarityQuery query) => IndexFor(query.CatalogueSize).Search([query.Video])[0];

    /// <summary>
    /// The same search, batched: callers send single queries and the server groups them, so a batch costs one read of
    /// the embedding matrix however many queries it holds (up to 16).
    /// </summary>
    [Function(Gpu = SampleGpu.Request, MaxContainers = 1)]
    [Batched(MaxBatchSize = EmbeddingIndex.QueriesPerPass, WaitMs = 200)]
    public static List<List<Match>> FindSimilarBatched(List<SimilarityQuery> queries)
    {
        Console.WriteLine($"searching a batch of {queries.Count} queries");
        var results = new List<Match>[queries.Count];

        // Callers normally share one catalogue; a batch that mixes sizes is searched once per size.
        foreach (var group in queries.Select((query, position) => (query, position)).GroupBy(q => q.query.CatalogueSize))
        {
            var hits = IndexFor(group.Key).Search(group.Select(q => q.query.Video).ToList());
            foreach (var ((_, position), matches) in group.Zip(hits))
            {
                results[position] = matches;
            }
        }

        return [.. results];
    }

    [LocalEntrypoint]
    public static async Task Main(int videos = Catalogue.DefaultVideos, int queries = 32, CancellationToken cancellationToken = default)
    {
        var catalogue = new Catalogue(videos);
        if (queries < 1 || queries > videos)
        {
            throw new ArgumentOutOfRangeException(nameof(queries), $"--queries must be between 1 and --videos ({videos:N0}), not {queries}.");
        }

#if SAMPLE_GPU
        Console.WriteLine($"gpu setting: {SampleGpu.Request}");
#else
        Console.WriteLine("gpu setting: none (the kernels run on ILGPU's CPU accelerator; build with -p:SampleGpu=true for a GPU)");
#endif
        var total = Stopwatch.StartNew();
        var probe = 4_242 % videos;
        var single = await Functions.FindSimilar.RemoteAsync(new SimilarityQuery(probe, videos), cancellationToken);
        Console.WriteLine($"videos like {probe}: {string.Join(", ", single.Select(m => $"{m.Video} ({m.Score:0.000})"))}");
        Check(catalogue, probe, single);

        // Spread the query videos over the catalogue; the same queries go through map and through the batched function.
        var ids = Enumerable.Range(0, queries).Select(i => (int)((long)i * 7_919 % videos)).Distinct().ToList();
        var clock = Stopwatch.StartNew();
        var mapped = new List<List<Match>>();
        await foreach (var matches in Functions.FindSimilar.MapAsync(ids.Select(id => new SimilarityQuery(id, videos)), cancellationToken: cancellationToken))
        {
            mapped.Add(matches);
        }

        var mapSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var batched = new List<List<Match>>();
        await foreach (var matches in Functions.FindSimilarBatched.MapAsync(ids.Select(id => new SimilarityQuery(id, videos)), cancellationToken: cancellationToken))
        {
            batched.Add(matches);
        }

        var batchSeconds = clock.Elapsed.TotalSeconds;
        for (var i = 0; i < ids.Count; i++)
        {
            Check(catalogue, ids[i], mapped[i]);
            Check(catalogue, ids[i], batched[i]);
            if (!mapped[i].Select(m => m.Video).SequenceEqual(batched[i].Select(m => m.Video)))
            {
                throw new InvalidOperationException($"Video {ids[i]}: map and the batched function disagree.");
            }
        }

        Console.WriteLine($"{ids.Count} queries over {videos:N0} videos: map {mapSeconds:0.0} s (one pass per query), batched {batchSeconds:0.0} s (one pass per batch)");
        Console.WriteLine("map and the batched function agree; every video's neighbours share its topic");
        Console.WriteLine($"done in {total.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The container's index of the catalogue: built on first use and kept for the container's life (its warm state).</summary>
    private static VideoIndex IndexFor(int catalogueSize)
    {
        Lazy<VideoIndex> index;
        lock (Indexes)
        {
            if (!Indexes.TryGetValue(catalogueSize, out index!))
            {
                index = new Lazy<VideoIndex>(() => VideoIndex.Build(new Catalogue(catalogueSize), SampleGpu.Current), LazyThreadSafetyMode.ExecutionAndPublication);
                Indexes.Add(catalogueSize, index);
            }
        }

        return index.Value;
    }

    /// <summary>The video itself first, then videos of its topic: what the catalogue is built to give.</summary>
    private static void Check(Catalogue catalogue, int video, List<Match> matches)
    {
        if (matches.Count != Math.Min(K, catalogue.Videos) || matches[0].Video != video ||
            matches.Any(m => catalogue.TopicOf(m.Video) != catalogue.TopicOf(video)))
        {
            throw new InvalidOperationException(
                $"Video {video}: expected itself and {K - 1} videos of topic {catalogue.TopicOf(video)}, got " +
                string.Join(", ", matches.Select(m => $"{m.Video} (topic {catalogue.TopicOf(m.Video)})")));
        }
    }
}
