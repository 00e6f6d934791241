using Grpc.Core;
using Grpc.Net.Client;
using Modal.ControlPlane;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Runtime.Tests.Support;

/// <summary>A real control plane on loopback with a <see cref="RecordingBackend"/>, and gRPC clients for both APIs.</summary>
public sealed class TestControlPlane : IAsyncDisposable
{
    private readonly TempDirectory? _ownedState;

    private TestControlPlane(ControlPlaneHost host, RecordingBackend backend, TempDirectory? ownedState, string stateDirectory, TempDirectory artifacts)
    {
        Host = host;
        Backend = backend;
        _ownedState = ownedState;
        StateDirectory = stateDirectory;
        Artifacts = artifacts;
        Channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { MaxReceiveMessageSize = null });
        Api = new ModalApi.ModalApiClient(Channel);
        Containers = new ContainerApi.ContainerApiClient(Channel);
    }

    public ControlPlaneHost Host { get; }

    public RecordingBackend Backend { get; }

    public string StateDirectory { get; }

    public TempDirectory Artifacts { get; }

    public GrpcChannel Channel { get; }

    public ModalApi.ModalApiClient Api { get; }

    public ContainerApi.ContainerApiClient Containers { get; }

    /// <summary>A token that ends a test that would otherwise hang.</summary>
    public static CancellationToken Deadline => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    public static async Task<TestControlPlane> StartAsync(
        TimeProvider? time = null,
        string? stateDirectory = null,
        Func<ControlPlaneOptions, ControlPlaneOptions>? configure = null)
    {
        var ownedState = stateDirectory is null ? new TempDirectory() : null;
        var state = stateDirectory ?? ownedState!.Path;
        var artifacts = new TempDirectory();
        await File.WriteAllBytesAsync(artifacts.Combine("TestApp.dll"), [0x4d, 0x5a]);
        var backend = new RecordingBackend();
        var options = new ControlPlaneOptions
        {
            StateDirectory = state,
            Backend = backend,
            TimeProvider = time ?? TimeProvider.System,
            DefaultMaxContainers = 4,
        };
        var host = await ControlPlaneHost.StartAsync(configure is null ? options : configure(options));
        return new TestControlPlane(host, backend, ownedState, state, artifacts);
    }

    public Task<AppCreateResponse> CreateAppAsync(params FunctionManifest[] functions) => CreateAppAsync(AppState.Ephemeral, functions);

    public async Task<AppCreateResponse> CreateAppAsync(AppState state, params FunctionManifest[] functions) =>
        await Api.AppCreateAsync(new AppCreateRequest
        {
            Name = "test-app",
            State = state,
            ArtifactDir = Artifacts.Path,
            AssemblyFile = "TestApp.dll",
            ManifestJson = Manifests.App("test-app", functions).ToJson(),
        });

    /// <summary>Connects a container the scheduler asked the backend for, as the worker would.</summary>
    public async Task<TestContainer> ConnectNextContainerAsync(int credits = 1) =>
        await TestContainer.ConnectAsync(Containers, await Backend.NextStartAsync(), credits);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Host.DisposeAsync();
        _ownedState?.Dispose();
        Artifacts.Dispose();
    }

    public static string? ErrorClass(RpcException exception) => exception.Trailers.GetValue("modal-error");
}
