using Modal.Manifest;

namespace Modal.Scheduling;

/// <summary>
/// A function's retry policy (Modal's <c>Retries</c>): how many times a failed input runs again and how long it waits
/// first. The wait before retry n+1 is <c>initialDelay * backoffCoefficient^n</c>, capped at <c>maxDelay</c>.
/// </summary>
internal sealed record RetryPolicy(int MaxRetries, double BackoffCoefficient, TimeSpan InitialDelay, TimeSpan MaxDelay)
{
    /// <summary>No retries: the first failure is final.</summary>
    public static RetryPolicy None { get; } = new(0, 1.0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public static RetryPolicy From(RetriesManifest? retries) => retries is null
        ? None
        : new RetryPolicy(
            retries.MaxRetries,
            retries.BackoffCoefficient,
            TimeSpan.FromSeconds(retries.InitialDelaySeconds),
            TimeSpan.FromSeconds(retries.MaxDelaySeconds));

    /// <summary>Whether an attempt that failed with <paramref name="failedRetryCount"/> (0: the first try) runs again.</summary>
    public bool ShouldRetry(int failedRetryCount) => failedRetryCount < MaxRetries;

    /// <summary>How long to wait after the attempt with <paramref name="failedRetryCount"/> failed.</summary>
    public TimeSpan DelayAfter(int failedRetryCount)
    {
        var seconds = InitialDelay.TotalSeconds * Math.Pow(BackoffCoefficient, failedRetryCount);
        var capped = Math.Min(seconds, MaxDelay.TotalSeconds);
        return TimeSpan.FromSeconds(Math.Max(0, capped));
    }
}
