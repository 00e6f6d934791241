namespace Modal.Gpus.Placement;

/// <summary>A container that holds GPUs and has no work, so its devices may be taken back for a waiting container.</summary>
/// <param name="ContainerId">The idle container.</param>
/// <param name="Pool">The pool it belongs to (its function); see <see cref="GpuClaim.Pool"/>.</param>
public sealed record GpuIdleContainer(string ContainerId, string Pool);
