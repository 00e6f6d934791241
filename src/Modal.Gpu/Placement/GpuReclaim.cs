namespace Modal.Gpus.Placement;

/// <summary>One step of a plan from <see cref="GpuAllocator.PlanReclaim"/>: stop an idle container for a waiting one.</summary>
/// <param name="ContainerId">The idle container to stop; its devices are freed when it exits.</param>
/// <param name="ForContainerId">The waiting container those devices go to.</param>
public sealed record GpuReclaim(string ContainerId, string ForContainerId);
