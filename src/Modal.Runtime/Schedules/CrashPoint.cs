using System.Diagnostics;

namespace Modal.Schedules;

/// <summary>
/// Named points where a test makes the server die as <c>kill -9</c> would (SIGKILL to itself: no cleanup runs), set by
/// the <c>MODAL_TEST_CRASH_POINT</c> environment variable of the server process. Unset, every point does nothing.
/// </summary>
internal static class CrashPoint
{
    public const string Variable = "MODAL_TEST_CRASH_POINT";

    /// <summary>A schedule tick is claimed (with its call's id) and its call not yet started.</summary>
    public const string ScheduleAfterClaim = "schedule-after-claim";

    /// <summary>A schedule tick's call is stored, and nothing after it has run.</summary>
    public const string ScheduleAfterSpawn = "schedule-after-spawn";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);

    public static void Hit(string point)
    {
        if (Armed is not null && string.Equals(Armed, point, StringComparison.Ordinal))
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
            // Kill returns before the signal lands; nothing of this process may run past the point.
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
