namespace GpuSimilarity;

/// <summary>
/// One query: the videos most like <paramref name="Video"/> in a catalogue of <paramref name="CatalogueSize"/> videos. The
/// size travels with the query so the containers build the catalogue the client asked for. The build generates its
/// MessagePack formatter.
/// </summary>
public sealed record SimilarityQuery(int Video, int CatalogueSize);
