using System.Globalization;

namespace Modal.Backends.Docker;

/// <summary>
/// Names the process that started a container as <c>host/pid/start-time</c>, where the start time (in clock ticks since
/// boot, from /proc) tells a live owner from a later process that reused its pid. A container whose owner on this host
/// is gone was orphaned by a crash, and is reaped.
/// </summary>
internal static class ContainerOwner
{
    /// <summary>This process.</summary>
    public static string Current { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{StartTicks(Environment.ProcessId) ?? "?"}";

    /// <summary>
    /// False only when <paramref name="owner"/> names a process of this host that is certainly gone; owners on other
    /// hosts, and labels this code did not write, count as alive, since nothing here can tell.
    /// </summary>
    public static bool IsAlive(string? owner)
    {
        var parts = owner?.Split('/');
        if (parts is not { Length: 3 } || parts[0] != Environment.MachineName || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
        {
            return true;
        }

        return StartTicks(pid) is { } ticks && ticks == parts[2];
    }

    private static string? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces; fields after it are plain.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
