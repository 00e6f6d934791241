using System.Threading.Channels;
using Modal.Backends;
using Modal.Manifest;

namespace Modal.Server.Tests;

/// <summary>A backend that starts nothing and records the container specs (environment included) it was asked for.</summary>
internal sealed class RecordingBackend : IContainerBackend
{
    private readonly Channel<ContainerSpec> _started = Channel.CreateUnbounded<ContainerSpec>();
    private readonly Channel<ContainerExit> _exits = Channel.CreateUnbounded<ContainerExit>();

    public string Name => "recording";

    public ChannelReader<ContainerExit> Exits => _exits.Reader;

    public void Validate(string appName, IReadOnlyList<FunctionManifest> functions)
    {
    }

    public Task StartAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        _started.Writer.TryWrite(spec);
        return Task.CompletedTask;
    }

    public Task StopAsync(string taskId, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<ContainerSpec> NextStartAsync(string functionName)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var spec = await _started.Reader.ReadAsync(cts.Token);
            if (spec.FunctionName == functionName)
            {
                return spec;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _exits.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
