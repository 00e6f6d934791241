using System.Text;

namespace Modal.Worker;

/// <summary>
/// Platform diagnostics, written straight to the process's stderr with a <c>[modal-worker ta-…]</c> prefix so they never
/// mix with (or get prefixed like) the user's own output. Quiet unless something is wrong or MODAL_WORKER_VERBOSE is set.
/// </summary>
internal sealed class WorkerLog
{
    private readonly TextWriter _stderr;
    private readonly string _prefix;
    private readonly bool _verbose;

    public WorkerLog(string taskId, bool verbose)
    {
        _stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true };
        _prefix = $"[modal-worker {taskId}] ";
        _verbose = verbose;
    }

    public void Error(string message) => Write(message);

    public void Info(string message)
    {
        if (_verbose)
        {
            Write(message);
        }
    }

    /// <summary>Start-up milestones with the time since the process started, to see where a cold start goes.</summary>
    public void Milestone(string name)
    {
        if (_verbose)
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            var sinceStart = DateTime.Now - process.StartTime;
            Write($"{name} at +{sinceStart.TotalMilliseconds:0} ms ({process.TotalProcessorTime.TotalMilliseconds:0} ms CPU)");
        }
    }

    private void Write(string message)
    {
        lock (_stderr)
        {
            _stderr.WriteLine(_prefix + message);
        }
    }
}
