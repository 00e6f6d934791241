using Grpc.Net.Client;
using Modal.ControlPlane;
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

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Host.DisposeAsync();
        state.Dispose();
        Artifacts.Dispose();
    }
}
