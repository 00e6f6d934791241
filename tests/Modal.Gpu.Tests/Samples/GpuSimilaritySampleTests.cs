using System.Reflection;
using GpuSimilarity;
using Modal.Dispatch;
using Modal.Gpus.Tests.Kernels;

namespace Modal.Gpus.Tests.Samples;

/// <summary>
/// Runs samples/GpuSimilarity's functions at a small size the way its entrypoint does (remote, map, and the [Batched]
/// function grouping queries into batches), through an embedded control plane and real worker processes whose kernels
/// run on ILGPU's CPU accelerator, and checks every answer against a cosine top-k computed here on the CPU.
/// </summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class GpuSimilaritySampleTests : IAsyncLifetime
{
    // Big enough for two selection chunks of the top-k kernel and 50 topics; small enough for a loaded 2-core machine.
    private const int Videos = 5_000;

    private readonly string stateDirectory = Directory.CreateTempSubdirectory("modal-gpu-sample-").FullName;
    private AppRun run = null!;

    public async Task InitializeAsync()
    {
        var attribute = typeof(VideoSimilarity).Assembly.GetCustomAttribute<ModalRegistryAttribute>()
            ?? throw new InvalidOperationException("GpuSimilarity has no [assembly: ModalRegistry]; is the generator referenced?");
        var registry = (IModalRegistry)Activator.CreateInstance(attribute.RegistryType, nonPublic: true)!;
        run = await ModalApp.RunAsync(registry, new ModalOptions { StateDirectory = stateDirectory });
    }

    public async Task DisposeAsync()
    {
        await run.DisposeAsync();
        try
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean from the temp folder.
        }
    }

    [Fact]
    public async Task Remote_map_and_batched_searches_match_a_cpu_reference()
    {
        var catalogue = new Catalogue(Videos);
        var embeddings = catalogue.Embeddings();

        // Spread over the catalogue, its last video included; map runs them one input each, the batched function in batches.
        var ids = Enumerable.Range(0, 11).Select(i => i * 293 % Videos).Append(Videos - 1).ToList();
        var queries = ids.Select(id => new SimilarityQuery(id, Videos)).ToList();

        var single = await VideoSimilarity.Functions.FindSimilar.RemoteAsync(queries[0]);
        var mapped = await VideoSimilarity.Functions.FindSimilar.MapAsync(queries).ToListAsync();
        var batched = await VideoSimilarity.Functions.FindSimilarBatched.MapAsync(queries).ToListAsync();

        AssertMatchesReference(embeddings, catalogue.Embedding(ids[0]), single);
        Assert.Equal(ids.Count, mapped.Count);
        Assert.Equal(ids.Count, batched.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            var query = catalogue.Embedding(ids[i]);
            AssertMatchesReference(embeddings, query, mapped[i]);
            AssertMatchesReference(embeddings, query, batched[i]);

            // The catalogue is built so that a video's nearest neighbour is itself and the rest share its topic.
            Assert.Equal(ids[i], mapped[i][0].Video);
            Assert.All(batched[i], m => Assert.Equal(catalogue.TopicOf(ids[i]), catalogue.TopicOf(m.Video)));
        }
    }

    [Fact]
    public async Task A_video_outside_the_catalogue_fails_with_what_is_allowed()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(
            () => VideoSimilarity.Functions.FindSimilar.RemoteAsync(new SimilarityQuery(Videos, Videos)));

        Assert.Contains($"Video {Videos} is not in the catalogue of", error.Message, StringComparison.Ordinal);
    }

    private static void AssertMatchesReference(float[] embeddings, float[] query, List<Match> matches) =>
        CosineReference.AssertTopK(embeddings, query.Length, query, VideoSimilarity.K, [.. matches.Select(m => (m.Video, m.Score))]);
}
