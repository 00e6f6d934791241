namespace Modal.Scheduling;

/// <summary>A snapshot of one function's queue and pool.</summary>
internal readonly record struct FunctionCounts(
    int PendingSync,
    int PendingSpawned,
    int Running,
    int WaitingRetry,
    int Containers,
    int ActiveContainers)
{
    public int Pending => PendingSync + PendingSpawned;
}
