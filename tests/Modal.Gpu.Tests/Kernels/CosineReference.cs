namespace Modal.Gpus.Tests.Kernels;

/// <summary>A cosine top-k computed on the CPU in double precision, for checking the device's answers.</summary>
internal static class CosineReference
{
    /// <summary>
    /// Scores are compared rank by rank with a float tolerance, and each returned row must really have the score of its
    /// rank: device and CPU may order two rows whose scores differ by rounding differently, but not anything else. A zero
    /// row or query scores 0.
    /// </summary>
    public static void AssertTopK(float[] embeddings, int dimension, float[] query, int k, IReadOnlyList<(int Row, float Score)> hits)
    {
        var rows = embeddings.Length / dimension;
        var queryNorm = Math.Sqrt(query.Sum(v => (double)v * v));
        var scores = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            double dot = 0, norm = 0;
            for (var d = 0; d < dimension; d++)
            {
                var e = embeddings[(r * dimension) + d];
                dot += (double)e * query[d];
                norm += (double)e * e;
            }

            scores[r] = norm == 0 || queryNorm == 0 ? 0 : dot / Math.Sqrt(norm) / queryNorm;
        }

        var expected = Enumerable.Range(0, rows).OrderByDescending(r => scores[r]).ThenBy(r => r).Take(k).ToArray();
        Assert.Equal(expected.Length, hits.Count);
        Assert.Equal(hits.Count, hits.Select(h => h.Row).Distinct().Count());
        const double tolerance = 1e-5;
        for (var rank = 0; rank < expected.Length; rank++)
        {
            var want = scores[expected[rank]];
            Assert.True(Math.Abs(hits[rank].Score - want) <= tolerance, $"rank {rank}: score {hits[rank].Score}, expected {want}");
            Assert.True(
                Math.Abs(scores[hits[rank].Row] - want) <= tolerance,
                $"rank {rank}: row {hits[rank].Row} scores {scores[hits[rank].Row]}, but rank {rank} should score {want} (row {expected[rank]})");
        }
    }
}
