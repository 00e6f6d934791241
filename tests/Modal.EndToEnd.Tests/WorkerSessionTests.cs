using System.Globalization;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

/// <summary>
/// A worker must not share its client's process group: signals meant for the client (Ctrl+C in its terminal,
/// <c>timeout</c>, a CI job's SIGTERM) are sent to the whole group, and used to kill every worker mid-input, which the
/// control plane then reported as "input stream broke" instead of stopping the app in order.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkerSessionTests : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Workers_run_in_a_session_of_their_own_so_the_clients_group_signals_miss_them()
    {
        if (!OperatingSystem.IsLinux())
        {
            // Sessions and process groups are read from /proc; macOS workers leave the session the same way, untested here.
            return;
        }

        Assert.Equal(49, await Functions.Square.RemoteAsync(7));
        var self = Stat(Environment.ProcessId);
        var workers = WorkersOf(Environment.ProcessId);

        Assert.NotEmpty(workers);
        Assert.All(workers, pid =>
        {
            var worker = Stat(pid);
            Assert.NotEqual(self.ProcessGroup, worker.ProcessGroup);
            Assert.NotEqual(self.Session, worker.Session);
        });
    }

    /// <summary>The local backend's workers: this process's children running Modal.Worker.dll.</summary>
    private static List<int> WorkersOf(int parent)
    {
        var workers = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (Stat(pid).Parent == parent && File.ReadAllText(Path.Combine(directory, "cmdline")).Contains("Modal.Worker.dll", StringComparison.Ordinal))
                {
                    workers.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process exited while it was being read.
            }
        }

        return workers;
    }

    // /proc/<pid>/stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces, so fields count from its ')'.
    private static (int Parent, int ProcessGroup, int Session) Stat(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }
}
