using Modal.Protocol;

namespace Modal.Scheduling;

/// <summary>
/// What a decision taken under a function's lock asks the scheduler to do once the lock is released: deliver final
/// outputs (which may touch the store), wait out retry backoffs and batch waits, and start or stop containers (which call
/// the backend).
/// </summary>
internal sealed class SchedulingEffects
{
    public List<(InputRecord Input, FunctionResult Result)>? Finals { get; private set; }

    public List<(InputRecord Input, TimeSpan Delay)>? Retries { get; private set; }

    public List<ContainerTask>? Start { get; private set; }

    public List<ContainerTask>? Stop { get; private set; }

    /// <summary>Functions to dispatch again at a time (Unix ms): a partial [Batched] batch whose wait ends then.</summary>
    public List<(FunctionRuntime Function, long DueMs)>? Wakes { get; private set; }

    public bool IsEmpty => Finals is null && Retries is null && Start is null && Stop is null && Wakes is null;

    public void AddWake(FunctionRuntime function, long dueMs) => (Wakes ??= []).Add((function, dueMs));

    public void AddFinal(InputRecord input, FunctionResult result) => (Finals ??= []).Add((input, result));

    public void AddRetry(InputRecord input, TimeSpan delay) => (Retries ??= []).Add((input, delay));

    public void AddStart(ContainerTask container) => (Start ??= []).Add(container);

    public void AddStop(ContainerTask container)
    {
        Stop ??= [];
        if (!Stop.Contains(container))
        {
            Stop.Add(container);
        }
    }
}
