namespace Modal.Gpus.Kernels;

/// <summary>One result of <see cref="EmbeddingIndex.Search(float[][], int)"/>: a row of the index and its cosine similarity to the query.</summary>
public readonly record struct SearchHit(int Index, float Score);
