namespace Modal;

/// <summary>
/// Lets one container run several inputs at once: on threads for synchronous functions, as tasks for async ones.
/// The autoscaler aims for <see cref="TargetInputs"/> per container and a container bursts up to <see cref="MaxInputs"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, Inherited = false)]
public sealed class ConcurrentAttribute : Attribute
{
    /// <summary>Hard limit of concurrent inputs per container. Required.</summary>
    public int MaxInputs { get; set; }

    /// <summary>Concurrency the autoscaler aims for; defaults to <see cref="MaxInputs"/> and must not exceed it.</summary>
    public int TargetInputs { get; set; }
}
