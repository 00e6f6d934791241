using Modal.Rules;

namespace Modal.Gpus.Placement;

/// <summary>A container that waits for GPUs, as <see cref="GpuAllocator.PlanReclaim"/> sees it.</summary>
/// <param name="ContainerId">The waiting container.</param>
/// <param name="Pool">
/// The pool it belongs to (its function): an idle container of the same pool is never stopped for it, as that container
/// would take the pool's next input anyway.
/// </param>
/// <param name="Requests">Its function's GPU setting, fallback entries in order.</param>
public sealed record GpuClaim(string ContainerId, string Pool, IReadOnlyList<GpuRequest> Requests);
