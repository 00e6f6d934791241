namespace Modal.EndToEnd.Tests;

/// <summary>
/// Finds Modal.Worker processes through /proc, so the tests check the operating system's view of which workers are
/// alive rather than the control plane's.
/// </summary>
internal static class WorkerProcesses
{
    /// <summary>Worker processes whose parent is <paramref name="parentPid"/>, optionally only those serving one control plane.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parentPid, Uri? serverUrl = null)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || ParentOf(pid) != parentPid || !IsWorker(pid))
            {
                continue;
            }

            if (serverUrl is null || string.Equals(ServerUrlOf(pid)?.TrimEnd('/'), serverUrl.ToString().TrimEnd('/'), StringComparison.Ordinal))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>True while the process exists and is not a zombie (an exited child nobody has reaped yet).</summary>
    public static bool IsAlive(int pid)
    {
        var state = StatFields(pid);
        return state is not null && state.Value.State is not ('Z' or 'X');
    }

    /// <summary>Waits until none of <paramref name="pids"/> is alive; returns the ones still alive at the timeout.</summary>
    public static async Task<IReadOnlyList<int>> WaitForExitAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var remaining = pids.ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            remaining = remaining.Where(IsAlive).ToList();
            if (remaining.Count == 0 || DateTime.UtcNow > deadline)
            {
                return remaining;
            }

            await Task.Delay(100);
        }
    }

    private static bool IsWorker(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("Modal.Worker.dll", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? ServerUrlOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0')
                .FirstOrDefault(v => v.StartsWith("MODAL_SERVER_URL=", StringComparison.Ordinal))?["MODAL_SERVER_URL=".Length..];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? ParentOf(int pid) => StatFields(pid)?.Parent;

    private static (char State, int Parent)? StatFields(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so parse from the last ')'.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (rest[0][0], int.Parse(rest[1]));
    }
}
