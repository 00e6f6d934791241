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
}
