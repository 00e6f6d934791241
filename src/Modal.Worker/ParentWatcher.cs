using System.Runtime.InteropServices;

namespace Modal.Worker;

/// <summary>
/// Ends the worker when its parent dies or stops it. The local backend starts workers with stdin redirected and never
/// writes to it; the pipe reaches end-of-file when the backend closes it to stop the worker, and when the parent exits
/// for any reason, kill -9 included, which no signal handler in the parent could guarantee.
/// </summary>
internal static class ParentWatcher
{
    /// <summary>How long in-flight inputs get to finish after stdin closes; below the local backend's 5 s stop grace.</summary>
    internal static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(3);

    /// <param name="log">Where to say why the worker exits.</param>
    /// <param name="startDrain">Asks the running worker to finish its inputs and exit; false when there is none yet.</param>
    public static void Start(WorkerLog log, Func<bool> startDrain)
    {
        LeaveParentSession(log);
        var thread = new Thread(() =>
        {
            try
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[64];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                    // Anything written is ignored; only end-of-file matters.
                }
            }
            catch (IOException)
            {
                // A broken pipe means the same as end-of-file: the parent is gone.
            }

            log.Info("stdin closed: the process that started this worker stopped it or is gone; exiting.");
            if (startDrain())
            {
                // The normal exit path ends the process sooner when the inputs finish in time.
                Thread.Sleep(DrainGrace);
            }

            Environment.Exit(0);
        })
        {
            IsBackground = true,
            Name = "modal-parent-watch",
        };
        thread.Start();
    }

    /// <summary>
    /// Moves the worker into a session (and process group) of its own. A worker starts in its parent's process group,
    /// so signals meant for the parent (Ctrl+C in its terminal, <c>timeout</c>, a CI job's SIGTERM) reached every worker
    /// too and killed it mid-input, behind the control plane's back: its inputs failed with "input stream broke" while
    /// the parent was still stopping the app in order. The parent now alone decides when a worker stops, through stdin.
    /// </summary>
    private static void LeaveParentSession(WorkerLog log)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            // Not handled on Windows: Ctrl+C reaches every process on the console unless the backend starts workers in a
            // new process group (CREATE_NEW_PROCESS_GROUP), which Process.Start cannot.
            return;
        }

        // Fails only for a process group leader (a container's first process), which no parent's group signal reaches.
        if (setsid() == -1)
        {
            log.Info($"stays in its parent's session (setsid failed with errno {Marshal.GetLastPInvokeError()})");
        }
    }

    // DllImport rather than LibraryImport: the call is blittable, and LibraryImport would need unsafe code in this project.
    [DllImport("libc", SetLastError = true)]
    private static extern int setsid();
}
