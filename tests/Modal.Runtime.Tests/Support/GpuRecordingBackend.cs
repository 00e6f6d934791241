using System.Collections.Concurrent;
using System.Threading.Channels;
using Modal.Backends;
using Modal.Manifest;

namespace Modal.Runtime.Tests.Support;

/// <summary>Records container starts like <see cref="RecordingBackend"/>, and honours the gpu setting as the local backend does.</summary>
public sealed class GpuRecordingBackend : IContainerBackend
{
    private readonly Channel<ContainerSpec> _started = Channel.CreateUnbounded<ContainerSpec>();
    private readonly Channel<ContainerExit> _exits = Channel.CreateUnbounded<ContainerExit>();

    public string Name => "gpu-recording";

    public ConcurrentQueue<ContainerSpec> Starts { get; } = new();

    public ChannelReader<ContainerExit> Exits => _exits.Reader;

    public void Validate(string appName, IReadOnlyList<FunctionManifest> functions) =>
        FunctionSettings.EnsureSupported(Name, functions, LocalProcessBackend.Supported.Contains);

    public Task StartAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        Starts.Enqueue(spec);
        _started.Writer.TryWrite(spec);
        return Task.CompletedTask;
    }

    public ConcurrentQueue<string> Stops { get; } = new();

    public Task StopAsync(string taskId, CancellationToken cancellationToken)
    {
        Stops.Enqueue(taskId);
        return Task.CompletedTask;
    }

    public async Task<ContainerSpec> NextStartAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _started.Reader.ReadAsync(cts.Token);
    }

    public void Exit(string taskId, int exitCode) => _exits.Writer.TryWrite(new ContainerExit(taskId, exitCode, $"exited with code {exitCode}"));

    public ValueTask DisposeAsync()
    {
        _exits.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
