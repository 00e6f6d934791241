using System.Collections.Concurrent;
using System.Threading.Channels;
using Modal.Backends;
using Modal.Manifest;

namespace Modal.Runtime.Tests.Support;

/// <summary>
/// A backend for control-plane tests: it records what the scheduler asks for instead of starting processes, and the
/// test itself plays the container over the real ContainerApi with the recorded task id and token.
/// </summary>
public sealed class RecordingBackend : IContainerBackend
{
    private static readonly HashSet<string> Supported =
    [
        FunctionSettings.Timeout, FunctionSettings.StartupTimeout, FunctionSettings.Retries, FunctionSettings.MinContainers,
        FunctionSettings.MaxContainers, FunctionSettings.BufferContainers, FunctionSettings.ScaledownWindow,
        FunctionSettings.MaxInputs, FunctionSettings.Concurrency, FunctionSettings.Batching, FunctionSettings.Generator,
        FunctionSettings.Web,
    ];

    private readonly Channel<ContainerSpec> _started = Channel.CreateUnbounded<ContainerSpec>();
    private readonly Channel<ContainerExit> _exits = Channel.CreateUnbounded<ContainerExit>();

    public string Name => "recording";

    public ConcurrentQueue<ContainerSpec> Starts { get; } = new();

    public ConcurrentQueue<string> Stops { get; } = new();

    public ChannelReader<ContainerExit> Exits => _exits.Reader;

    public void Validate(string appName, IReadOnlyList<FunctionManifest> functions) =>
        FunctionSettings.EnsureSupported(Name, functions, Supported.Contains);

    public Task StartAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        Starts.Enqueue(spec);
        _started.Writer.TryWrite(spec);
        return Task.CompletedTask;
    }

    public Task StopAsync(string taskId, CancellationToken cancellationToken)
    {
        Stops.Enqueue(taskId);
        return Task.CompletedTask;
    }

    /// <summary>The next container the scheduler asked for.</summary>
    public async Task<ContainerSpec> NextStartAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await _started.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Reports a container's process as exited, as a real backend does when a worker dies.</summary>
    public void Exit(string taskId, int exitCode) => _exits.Writer.TryWrite(new ContainerExit(taskId, exitCode, $"exited with code {exitCode}"));

    public ValueTask DisposeAsync()
    {
        _exits.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
