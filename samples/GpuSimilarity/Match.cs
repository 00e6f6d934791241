namespace GpuSimilarity;

/// <summary>A similar video and its cosine similarity to the query. The build generates its MessagePack formatter.</summary>
public sealed record Match(int Video, float Score);
