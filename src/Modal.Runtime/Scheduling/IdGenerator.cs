using System.Security.Cryptography;

namespace Modal.Scheduling;

/// <summary>
/// Object ids (<c>ap-</c>, <c>fu-</c>, <c>fc-</c>, <c>in-</c>, <c>ta-</c>): a random per-process prefix plus a counter.
/// Unique across restarts of the control plane (spawned inputs outlive it) without a random draw per input on the
/// map hot path.
/// </summary>
internal static class IdGenerator
{
    private static readonly string ProcessPrefix = RandomAlphanumeric(10);
    private static long _counter;

    public static string New(string kind) => $"{kind}-{ProcessPrefix}{Interlocked.Increment(ref _counter):x}";

    /// <summary>A secret for a container task to authenticate with.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    private static string RandomAlphanumeric(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
