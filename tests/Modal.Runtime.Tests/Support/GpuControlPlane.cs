using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Modal.ControlPlane;
using Modal.Gpus.Inventory;
using Modal.Protocol;

namespace Modal.Runtime.Tests.Support;

/// <summary>A control plane over a fake GPU inventory with a <see cref="GpuRecordingBackend"/>.</summary>
public sealed class GpuControlPlane(ControlPlaneHost host, GpuRecordingBackend backend, TempDirectory state, TempDirectory artifacts) : IAsyncDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(host.Address);

    public ControlPlaneHost Host { get; } = host;

    public GpuRecordingBackend Backend { get; } = backend;

    public TempDirectory Artifacts { get; } = artifacts;

    public ModalApi.ModalApiClient Api => new(_channel);

    /// <summary>The container API, for a test that plays a container (<see cref="TestContainer"/>).</summary>
    public ContainerApi.ContainerApiClient Containers => new(_channel);

    /// <summary>Starts a control plane whose node offers <paramref name="devices"/>; platform logs go to <paramref name="logs"/>.</summary>
    public static async Task<GpuControlPlane> StartAsync(IReadOnlyList<GpuDevice> devices, ILoggerFactory? logs = null)
    {
        var state = new TempDirectory();
        var artifacts = new TempDirectory();
        await File.WriteAllBytesAsync(artifacts.Combine("TestApp.dll"), [0x4d, 0x5a]);
        var backend = new GpuRecordingBackend();
        var host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions
        {
            StateDirectory = state.Path,
            Backend = backend,
            GpuInventory = new FakeGpuInventory(devices),
            LoggerFactory = logs,
        });
        return new GpuControlPlane(host, backend, state, artifacts);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Host.DisposeAsync();
        state.Dispose();
        Artifacts.Dispose();
    }
}
