using Grpc.Core;
using Grpc.Net.Client;
using Modal.ControlPlane;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.EndToEnd.Tests;

/// <summary>
/// A GPU request on this machine, with the node's real inventory (no GPU here) and the local backend: the app is
/// refused at creation with the allocator's reason, never left pending.
/// </summary>
public sealed class GpuRefusalTests
{
    [Fact]
    public async Task A_gpu_function_on_a_node_without_that_gpu_is_refused_at_app_creation()
    {
        var state = Directory.CreateTempSubdirectory("modal-gpu-e2e-");
        try
        {
            await using var host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { StateDirectory = state.FullName, BackendKind = "local" });
            if ((await Modal.Gpus.Inventory.NodeGpuInventory.DetectAsync()).Devices.Any(d => d.TypeOrName is "H100" or "H200"))
            {
                // A node that has the GPU serves the request; the refusal cannot be shown there.
                return;
            }

            using var channel = GrpcChannel.ForAddress(host.Address);
            var api = new ModalApi.ModalApiClient(channel);
            var manifest = new AppManifest
            {
                SchemaVersion = AppManifest.CurrentSchemaVersion,
                App = "gpu-refusal",
                Assembly = "Missing",
                Functions =
                [
                    new FunctionManifest
                    {
                        Name = "Embed",
                        EntryKey = "Missing.Embed",
                        Parameters = [new ParameterManifest { Name = "x", Type = "int" }],
                        ReturnType = "int",
                        Resources = new ResourcesManifest { Gpu = "H100" },
                    },
                ],
            };

            var error = await Assert.ThrowsAsync<RpcException>(async () => await api.AppCreateAsync(new AppCreateRequest
            {
                Name = "gpu-refusal",
                State = AppState.Ephemeral,
                ArtifactDir = state.FullName,
                AssemblyFile = "Missing.dll",
                ManifestJson = manifest.ToJson(),
            }));

            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal("InvalidError", error.Trailers.GetValue("modal-error"));
            Assert.Contains("Function 'Embed' requests H100, but no node offers H100", error.Status.Detail);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }
}
