namespace GpuSimilarity;

/// <summary>
/// A synthetic video catalogue standing in for the reference's video embeddings: every video has an embedding near the
/// centre of its topic, so a video's nearest neighbours are itself (score 1) and then other videos of its topic. Each
/// embedding is derived from the video's id alone, so the client and every container rebuild the same catalogue
/// instead of shipping 25 MB of floats around.
/// </summary>
public sealed class Catalogue
{
    /// <summary>Videos in the full catalogue, as in the reference's batch-processing example.</summary>
    public const int DefaultVideos = 100_000;

    /// <summary>The largest catalogue the sample builds (256 MB of embeddings).</summary>
    public const int MaxVideos = 1_000_000;

    /// <summary>
    /// Embedding width. Real video embeddings are wider (512 to 1024); 64 keeps a pass over the catalogue short on the
    /// CPU accelerator, and the kernels are the same at any width.
    /// </summary>
    public const int Dimension = 64;

    /// <summary>Videos per topic: video i belongs to topic i % <see cref="Topics"/>.</summary>
    public const int VideosPerTopic = 100;

    private const ulong Seed = 20_240_501;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="videos"/> is not between 1 and <see cref="MaxVideos"/>.</exception>
    public Catalogue(int videos)
    {
        if (videos < 1 || videos > MaxVideos)
        {
            throw new ArgumentOutOfRangeException(nameof(videos), $"A catalogue holds between 1 and {MaxVideos:N0} videos, not {videos:N0}.");
        }

        Videos = videos;
        Topics = Math.Max(1, videos / VideosPerTopic);
    }

    public int Videos { get; }

    public int Topics { get; }

    /// <summary>The topic of <paramref name="video"/>.</summary>
    public int TopicOf(int video) => video % Topics;

    /// <summary>All embeddings, row-major: row i is video i.</summary>
    public float[] Embeddings()
    {
        var rows = new float[Videos * Dimension];
        for (var video = 0; video < Videos; video++)
        {
            Fill(video, rows.AsSpan(video * Dimension, Dimension));
        }

        return rows;
    }

    /// <summary>The embedding of one video: what the functions search with.</summary>
    public float[] Embedding(int video)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(video);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(video, Videos);
        var row = new float[Dimension];
        Fill(video, row);
        return row;
    }

    private void Fill(int video, Span<float> row)
    {
        var centre = new Noise(Seed, (ulong)TopicOf(video));
        var noise = new Noise(Seed + 1, (ulong)video);
        for (var d = 0; d < Dimension; d++)
        {
            // Small noise: videos of one topic stay far closer to each other (cosine ~0.98) than to any other topic's (~0).
            row[d] = centre.Next() + (0.15f * noise.Next());
        }
    }

    /// <summary>
    /// SplitMix64 keyed by (seed, id): uniform floats in [-1, 1) that depend only on the key, unlike
    /// <see cref="Random"/>, whose sequence for a seed may change between .NET versions.
    /// </summary>
    private struct Noise(ulong seed, ulong id)
    {
        private ulong state = (seed * 0x9E3779B97F4A7C15UL) ^ (id * 0xBF58476D1CE4E5B9UL);

        public float Next()
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return ((z >> 40) * (1f / (1 << 23))) - 1f;
        }
    }
}
