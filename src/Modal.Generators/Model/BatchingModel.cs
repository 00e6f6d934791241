namespace Modal.Generators.Model;

/// <summary><c>[Batched]</c>: how the server groups single inputs into one call.</summary>
internal sealed record BatchingModel(int MaxBatchSize, int WaitMs);
