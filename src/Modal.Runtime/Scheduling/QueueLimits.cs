using Modal.Rules;

namespace Modal.Scheduling;

/// <summary>Per-function input limits (the reference's "Scaling limits").</summary>
/// <param name="MaxPending">Synchronous inputs not yet assigned to a container.</param>
/// <param name="MaxTotal">Synchronous pending inputs plus every running input.</param>
/// <param name="MaxPendingSpawned">Spawned (ASYNC) inputs not yet assigned to a container.</param>
internal sealed record QueueLimits(int MaxPending, int MaxTotal, int MaxPendingSpawned)
{
    public static QueueLimits Default { get; } = new(ModalLimits.MaxPendingInputs, ModalLimits.MaxTotalInputs, ModalLimits.MaxPendingSpawnedInputs);
}
