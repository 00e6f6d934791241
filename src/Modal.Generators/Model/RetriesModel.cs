namespace Modal.Generators.Model;

/// <summary>A retry policy; <c>[Function(Retries = n)]</c> becomes n retries with a fixed 1 s delay.</summary>
internal sealed record RetriesModel(int MaxRetries, double BackoffCoefficient, double InitialDelaySeconds, double MaxDelaySeconds);
