using System.Diagnostics;
using Modal;
using Modal.Gpus.Kernels;

namespace GpuSimilarity;

/// <summary>
/// A catalogue's embeddings in an <see cref="EmbeddingIndex"/> on the container's accelerator, kept for the container's
/// life: it is the container's warm state, built by the first input that needs it.
/// </summary>
internal sealed class VideoIndex
{
    private readonly Catalogue catalogue;
    private readonly EmbeddingIndex index;

    private VideoIndex(Catalogue catalogue, EmbeddingIndex index)
    {
        this.catalogue = catalogue;
        this.index = index;
    }

    /// <summary>Uploads the catalogue's embeddings to <paramref name="gpu"/>'s accelerator.</summary>
    public static VideoIndex Build(Catalogue catalogue, GpuContext gpu)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(gpu);
        var clock = Stopwatch.StartNew();
        var index = new EmbeddingIndex(gpu.Accelerator, catalogue.Embeddings(), Catalogue.Dimension);
        Console.WriteLine(
            $"indexed {index.Count:N0} videos x {index.Dimension} on {gpu.Accelerator.Name} " +
            $"({(gpu.IsCuda ? "CUDA" : "CPU fallback")}) in {clock.ElapsedMilliseconds} ms");
        return new VideoIndex(catalogue, index);
    }

    /// <summary>
    /// For each video, the <see cref="VideoSimilarity.K"/> most similar videos, best first. Queries go through the
    /// index 16 at a time, each group in one pass over the matrix.
    /// </summary>
    public List<List<Match>> Search(IReadOnlyList<int> videos)
    {
        ArgumentNullException.ThrowIfNull(videos);
        foreach (var video in videos)
        {
            if (video < 0 || video >= catalogue.Videos)
            {
                throw new ArgumentOutOfRangeException(nameof(videos), $"Video {video} is not in the catalogue of {catalogue.Videos:N0} videos (ids 0 to {catalogue.Videos - 1}).");
            }
        }

        var queries = videos.Select(catalogue.Embedding).ToArray();
        return [.. index.Search(queries, VideoSimilarity.K).Select(hits => hits.Select(h => new Match(h.Index, h.Score)).ToList())];
    }
}
