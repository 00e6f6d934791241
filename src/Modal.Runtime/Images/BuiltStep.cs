namespace Modal.Images;

/// <summary>How one step of a build went.</summary>
/// <param name="Index">The step's position, 0 for the base.</param>
/// <param name="Description">The step as the build log shows it.</param>
/// <param name="Cached">True when its layer came from the cache and nothing ran.</param>
/// <param name="Duration">Time the step took, cached or not.</param>
/// <param name="LayerKey">The cache key of its layer.</param>
public sealed record BuiltStep(int Index, string Description, bool Cached, TimeSpan Duration, string LayerKey);
