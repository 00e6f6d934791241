namespace Modal.Generators.Model;

/// <summary><c>[Concurrent]</c>: inputs one container runs at once.</summary>
internal sealed record ConcurrencyModel(int MaxInputs, int? TargetInputs);
