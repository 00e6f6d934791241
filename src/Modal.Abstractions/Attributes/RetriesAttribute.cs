namespace Modal;

/// <summary>
/// Retry policy with exponential backoff. The delay before retry <c>n</c> is
/// <c>min(InitialDelay * BackoffCoefficient^(n-1), MaxDelay)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, Inherited = false)]
public sealed class RetriesAttribute(int maxRetries) : Attribute
{
    /// <summary>Retries after the first attempt (0 to 10).</summary>
    public int MaxRetries { get; } = maxRetries;

    /// <summary>Delay multiplier between retries, 1.0 to 10.0. Default 2.0.</summary>
    public double BackoffCoefficient { get; set; } = 2.0;

    /// <summary>Seconds before the first retry, 0 to 60. Default 1.</summary>
    public double InitialDelay { get; set; } = 1.0;

    /// <summary>Upper bound on the delay in seconds, 1 to 60. Default 60.</summary>
    public double MaxDelay { get; set; } = 60.0;
}
