using ILGPU;
using ILGPU.Runtime;
using Modal.Gpus.Kernels;

namespace Modal.Gpus.Tests.Kernels;

[Collection(CpuAcceleratorCollection.Name)]
public sealed class EmbeddingIndexTests(CpuAcceleratorFixture fixture)
{
    private readonly Accelerator accelerator = fixture.Context.Accelerator;

    [Theory]
    [InlineData(1000, 64, 3, 10)] // one chunk, one query pass
    [InlineData(5000, 37, 17, 5)] // two chunks (two selection passes), padded rows, two query passes (16 + 1)
    [InlineData(9000, 16, 2, 300)] // k above the group size: runs of 512 span several threads' work
    [InlineData(700, 24, 1, 1)] // k of 1
    [InlineData(4096, 8, 2, 2048)] // the largest k, one full chunk
    [InlineData(70000, 8, 3, 16)] // small k over three prefilter spans (the last one partial), then bitonic passes
    [InlineData(33000, 24, 2, 3)] // a k that is not a power of two through the prefilter
    public void Search_matches_cpu_reference(int rows, int dimension, int queryCount, int k)
    {
        var embeddings = GemmTests.Random(rows * dimension, seed: rows + dimension);
        var queries = Enumerable.Range(0, queryCount).Select(q => GemmTests.Random(dimension, seed: 1000 + q)).ToArray();
        using var index = new EmbeddingIndex(accelerator, embeddings, dimension);

        var results = index.Search(queries, k);

        Assert.Equal(queryCount, results.Length);
        for (var q = 0; q < queryCount; q++)
        {
            AssertMatchesReference(embeddings, dimension, queries[q], k, results[q]);
        }
    }

    [Fact]
    public void Asking_for_more_than_the_index_holds_returns_every_row_in_order()
    {
        const int rows = 50, dimension = 12;
        var embeddings = GemmTests.Random(rows * dimension, seed: 5);
        var query = GemmTests.Random(dimension, seed: 6);
        using var index = new EmbeddingIndex(accelerator, embeddings, dimension);

        var hits = index.Search(query, 100);

        Assert.Equal(rows, hits.Length);
        AssertMatchesReference(embeddings, dimension, query, rows, hits);
    }

    [Fact]
    public void Ties_go_to_the_lower_index_and_zero_rows_score_zero()
    {
        // Rows 1, 4 and 6 point the same way (at different lengths); row 2 is zero.
        float[][] embeddings =
        [
            [0f, 1f, 0f],
            [2f, 0f, 0f],
            [0f, 0f, 0f],
            [-1f, 0f, 0f],
            [5f, 0f, 0f],
            [0f, 0f, 1f],
            [0.5f, 0f, 0f],
        ];
        using var index = new EmbeddingIndex(accelerator, embeddings);

        var hits = index.Search([1f, 0f, 0f], 5);

        Assert.Equal([1, 4, 6, 0, 2], hits.Select(h => h.Index));
        Assert.Equal(1f, hits[0].Score, 5);
        Assert.Equal(1f, hits[2].Score, 5);
        Assert.Equal(0f, hits[4].Score, 5);
    }

    [Fact]
    public void A_zero_query_scores_every_row_zero()
    {
        var embeddings = GemmTests.Random(30 * 4, seed: 9);
        using var index = new EmbeddingIndex(accelerator, embeddings, 4);

        var hits = index.Search(new float[4], 3);

        Assert.Equal([0, 1, 2], hits.Select(h => h.Index));
        Assert.All(hits, h => Assert.Equal(0f, h.Score));
    }

    [Fact]
    public void Index_built_from_device_memory_matches_one_built_from_host_memory()
    {
        const int rows = 600, dimension = 13;
        var embeddings = GemmTests.Random(rows * dimension, seed: 21);
        var query = GemmTests.Random(dimension, seed: 22);
        using var onDevice = accelerator.Allocate1D(embeddings);
        using var fromDevice = EmbeddingIndex.FromDevice(accelerator, onDevice.View, rows, dimension);
        using var fromHost = new EmbeddingIndex(accelerator, embeddings, dimension);

        Assert.Equal(fromHost.Search(query, 7), fromDevice.Search(query, 7));
        AssertMatchesReference(embeddings, dimension, query, 7, fromDevice.Search(query, 7));
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_what_is_allowed()
    {
        using var index = new EmbeddingIndex(accelerator, GemmTests.Random(40, seed: 1), 4);

        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[4], EmbeddingIndex.MaxK + 1));
        Assert.Contains($"between 1 and {EmbeddingIndex.MaxK}", tooMany.Message, StringComparison.Ordinal);
        var wrongLength = Assert.Throws<ArgumentException>(() => index.Search(new float[5], 3));
        Assert.Contains("Query 0 has 5 values; the index's embeddings have 4", wrongLength.Message, StringComparison.Ordinal);
        var ragged = Assert.Throws<ArgumentException>(() => new EmbeddingIndex(accelerator, GemmTests.Random(10, seed: 2), 4));
        Assert.Contains("10 floats do not divide into rows of 4", ragged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_index_returns_no_hits()
    {
        using var index = new EmbeddingIndex(accelerator, ReadOnlySpan<float>.Empty, 8);

        Assert.Equal(0, index.Count);
        Assert.Empty(index.Search(new float[8], 4));
    }

    private static void AssertMatchesReference(float[] embeddings, int dimension, float[] query, int k, SearchHit[] hits) =>
        CosineReference.AssertTopK(embeddings, dimension, query, k, [.. hits.Select(h => (h.Index, h.Score))]);
}
