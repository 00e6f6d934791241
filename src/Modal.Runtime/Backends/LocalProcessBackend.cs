using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Modal.Manifest;

namespace Modal.Backends;

/// <summary>
/// Runs each container task as a local <c>dotnet Modal.Worker.dll</c> process. The worker's stdin is redirected and never
/// written: the worker exits when it reads end-of-file, which is how stopping works and why workers die with this process
/// even on kill -9. The worker's stdout and stderr are copied line by line to this process's own streams, unchanged
/// (the worker prefixes its lines itself).
/// </summary>
public sealed class LocalProcessBackend : IContainerBackend
{
    /// <summary>The environment variable that overrides where Modal.Worker.dll is.</summary>
    public const string WorkerPathVariable = "MODAL_WORKER_PATH";

    /// <summary>The settings this backend honours; the Docker backend honours these too, plus its own.</summary>
    internal static readonly HashSet<string> Supported =
    [
        FunctionSettings.Timeout,
        FunctionSettings.StartupTimeout,
        FunctionSettings.Retries,
        FunctionSettings.MinContainers,
        FunctionSettings.MaxContainers,
        FunctionSettings.BufferContainers,
        FunctionSettings.ScaledownWindow,
        FunctionSettings.MaxInputs,
        FunctionSettings.Concurrency,
        // Batching and streaming are done by the scheduler and the worker, the same on every backend.
        FunctionSettings.Batching,
        FunctionSettings.Generator,
        // The scheduler assigns the devices (GpuPlacer); the backend hands them over (CUDA_VISIBLE_DEVICES, DeviceRequests).
        FunctionSettings.Gpu,
        // Containers serve HTTP on loopback (host networking in Docker), where the control plane's gateway reaches them.
        FunctionSettings.Web,
    ];

    private readonly ConcurrentDictionary<string, WorkerProcess> _processes = new();
    private readonly Channel<ContainerExit> _exits = Channel.CreateUnbounded<ContainerExit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeSpan _stopGracePeriod;
    private readonly ILogger _logger;
    private readonly string _dotnetHost;

    /// <param name="workerPath">Modal.Worker.dll; null uses <c>MODAL_WORKER_PATH</c>, then the file next to Modal.Runtime.dll.</param>
    /// <param name="stopGracePeriod">How long a stopped worker gets to exit after its stdin closes before it is killed.</param>
    /// <param name="logger">Platform log; never receives the workers' own output.</param>
    public LocalProcessBackend(string? workerPath = null, TimeSpan? stopGracePeriod = null, ILogger? logger = null)
    {
        WorkerPath = Path.GetFullPath(ResolveWorkerPath(workerPath));
        _stopGracePeriod = stopGracePeriod ?? TimeSpan.FromSeconds(5);
        _logger = logger ?? NullLogger.Instance;
        _dotnetHost = FindDotnetHost();
    }

    public string Name => "local";

    /// <summary>The worker assembly this backend starts.</summary>
    public string WorkerPath { get; }

    public ChannelReader<ContainerExit> Exits => _exits.Reader;

    /// <summary>Also gets each line a worker writes (task id, is stderr, line), as server mode's log of app output.</summary>
    internal Action<string, bool, string>? Output { get; init; }

    /// <summary>The worker path to use when none is given: <c>MODAL_WORKER_PATH</c>, else next to Modal.Runtime.dll.</summary>
    public static string ResolveWorkerPath(string? workerPath) =>
        workerPath is { Length: > 0 } ? workerPath
        : Environment.GetEnvironmentVariable(WorkerPathVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : Path.Combine(AppContext.BaseDirectory, "Modal.Worker.dll");

    public void Validate(string appName, IReadOnlyList<FunctionManifest> functions)
    {
        FunctionSettings.EnsureSupported(Name, functions, Supported.Contains);
        EnsureWorkerExists();
    }

    public Task StartAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        EnsureWorkerExists();
        var startInfo = new ProcessStartInfo(_dotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(WorkerPath)!,
        };
        startInfo.ArgumentList.Add(WorkerPath);
        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        if (spec.Gpus is { } gpus)
        {
            foreach (var (name, value) in gpus.Environment)
            {
                startInfo.Environment[name] = value;
            }
        }
        else
        {
            // A local process would otherwise see every GPU of the node, including those assigned to other containers;
            // a function without a gpu setting gets none, as on Modal.
            startInfo.Environment[Modal.Gpus.GpuEnvironmentVariables.CudaVisibleDevices] = "-1";
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            process.Dispose();
            _logger.LogWarning(ex, "Could not start worker {TaskId} for {Function}", spec.TaskId, spec.FunctionName);
            _exits.Writer.TryWrite(new ContainerExit(spec.TaskId, null, $"failed to start `{_dotnetHost} {WorkerPath}`: {ex.Message}"));
            return Task.CompletedTask;
        }

        var worker = new WorkerProcess(spec.TaskId, process);
        _processes[spec.TaskId] = worker;
        _logger.LogDebug("Started worker {TaskId} (pid {Pid}) for {Function}", spec.TaskId, process.Id, spec.FunctionName);
        worker.Completion = WatchAsync(worker);
        return Task.CompletedTask;
    }

    public async Task StopAsync(string taskId, CancellationToken cancellationToken)
    {
        if (!_processes.TryGetValue(taskId, out var worker))
        {
            return;
        }

        worker.CloseStdin();
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(_stopGracePeriod);
        try
        {
            await worker.Completion.WaitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("Worker {TaskId} did not exit within {Grace}; killing it", taskId, _stopGracePeriod);
            worker.Kill();
            await worker.Completion.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_processes.Keys.ToList().Select(id => StopAsync(id, CancellationToken.None))).ConfigureAwait(false);
        _exits.Writer.TryComplete();
    }

    private async Task WatchAsync(WorkerProcess worker)
    {
        var process = worker.Process;
        var stdout = PumpAsync(process.StandardOutput, Console.Out, Output is { } onOut ? line => onOut(worker.TaskId, false, line) : null);
        var stderr = PumpAsync(process.StandardError, Console.Error, Output is { } onErr ? line => onErr(worker.TaskId, true, line) : null);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        var exitCode = process.ExitCode;
        _processes.TryRemove(worker.TaskId, out _);
        process.Dispose();
        _logger.LogDebug("Worker {TaskId} exited with code {ExitCode}", worker.TaskId, exitCode);
        _exits.Writer.TryWrite(new ContainerExit(worker.TaskId, exitCode, $"exited with code {exitCode}"));
    }

    private static async Task PumpAsync(StreamReader source, TextWriter target, Action<string>? also)
    {
        try
        {
            while (await source.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                target.WriteLine(line);
                also?.Invoke(line);
            }
        }
        catch (IOException)
        {
            // The pipe broke because the process was killed; there is nothing left to copy.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void EnsureWorkerExists()
    {
        if (!File.Exists(WorkerPath))
        {
            throw new InvalidError(
                $"The Modal worker was not found at {WorkerPath}. The local backend runs functions in `dotnet Modal.Worker.dll` processes: " +
                $"reference the Modal.Worker project (or package) from your app so the worker is copied next to Modal.Runtime.dll, " +
                $"or set {WorkerPathVariable} to the full path of Modal.Worker.dll.");
        }
    }

    private static string FindDotnetHost()
    {
        // Under `dotnet app.dll` or `dotnet test` this process's own host is the right one: same runtime, same roll-forward.
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var candidate = root is { Length: > 0 } ? Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet") : null;
        return candidate is not null && File.Exists(candidate) ? candidate : "dotnet";
    }

    private sealed class WorkerProcess(string taskId, Process process)
    {
        private int _stdinClosed;

        public string TaskId { get; } = taskId;

        public Process Process { get; } = process;

        public Task Completion { get; set; } = Task.CompletedTask;

        public void CloseStdin()
        {
            if (Interlocked.Exchange(ref _stdinClosed, 1) == 0)
            {
                try
                {
                    Process.StandardInput.Close();
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
                {
                    // Already gone.
                }
            }
        }

        public void Kill()
        {
            try
            {
                Process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // Exited between the check and the kill.
            }
        }
    }
}
