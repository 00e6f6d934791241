using Modal.Manifest;
using Modal.Rules;

namespace Modal.Scheduling;

/// <summary>
/// The autoscaler settings of one function, defaults applied. The pool wants
/// <c>clamp(ceil(inflight / targetInputs) + bufferContainers, minContainers, maxContainers)</c> containers while the
/// function has work, and <c>minContainers</c> when it has none: the reference keeps the buffer only "while the
/// Function is active", and functions scale to zero by default.
/// </summary>
internal sealed record AutoscalerSettings(int MinContainers, int MaxContainers, int BufferContainers, TimeSpan ScaledownWindow, int TargetInputs)
{
    public static AutoscalerSettings From(FunctionManifest function, int defaultMaxContainers)
    {
        var autoscaler = function.Autoscaler;
        var min = autoscaler?.MinContainers ?? 0;
        // An unset maximum must not undercut an explicit minimum.
        var max = autoscaler?.MaxContainers ?? Math.Max(defaultMaxContainers, min);
        // A [Batched] container takes a whole batch per slot, so one container is enough for a batch's worth of inputs.
        var target = function.Batching is { MaxBatchSize: > 0 } batching
            ? batching.MaxBatchSize
            : function.Concurrency?.TargetInputs ?? function.Concurrency?.MaxInputs ?? 1;
        return new AutoscalerSettings(
            min,
            max,
            autoscaler?.BufferContainers ?? 0,
            TimeSpan.FromSeconds(autoscaler?.ScaledownWindowSeconds ?? ModalLimits.DefaultScaledownWindowSeconds),
            Math.Max(1, target));
    }

    /// <summary>Containers the function should have for <paramref name="inflight"/> pending plus running inputs.</summary>
    public int DesiredContainers(int inflight)
    {
        if (inflight <= 0)
        {
            return Math.Min(MinContainers, MaxContainers);
        }

        var needed = (inflight + TargetInputs - 1) / TargetInputs + BufferContainers;
        return Math.Clamp(needed, Math.Min(MinContainers, MaxContainers), MaxContainers);
    }
}
