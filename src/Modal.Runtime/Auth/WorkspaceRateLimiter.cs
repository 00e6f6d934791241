using System.Collections.Concurrent;

namespace Modal.Auth;

/// <summary>
/// A token bucket per workspace over submitted inputs: it refills at the configured rate and holds a burst's worth.
/// A chunk that does not fit is refused whole, so the caller can back off and resend it.
/// </summary>
internal sealed class WorkspaceRateLimiter(double inputsPerSecond, double burstSeconds, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly double _capacity = Math.Max(1, inputsPerSecond * burstSeconds);

    public void Acquire(string workspace, int inputs)
    {
        var bucket = _buckets.GetOrAdd(workspace, _ => new Bucket(_capacity, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            bucket.Tokens = Math.Min(_capacity, bucket.Tokens + (time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * inputsPerSecond));
            bucket.Stamp = now;
            if (bucket.Tokens < inputs)
            {
                throw new ResourceExhaustedError(
                    $"Workspace '{workspace}' is over its rate limit of {inputsPerSecond:0.##} inputs/s (burst {_capacity:0} inputs); " +
                    $"{inputs} input(s) were refused. Slow down and retry, or ask the server's operator to raise the limit.");
            }

            bucket.Tokens -= inputs;
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
