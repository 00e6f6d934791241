using Modal.ControlPlane;
using Modal.Dispatch;
using Modal.Gpus.Inventory;
using Modal.Manifest;
using Modal.Scheduling;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

/// <summary>
/// Two GPU functions of the test app on a node with one (fake) GPU, with real workers from the local backend: the
/// second function's call runs once the first function's idle container is stopped for it, not after that container's
/// 600 s scale-down window.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GpuReclaimTests
{
    [Fact]
    public async Task A_call_to_a_second_gpu_function_takes_the_device_of_the_first_one_s_idle_worker()
    {
        var state = Directory.CreateTempSubdirectory("modal-gpu-reclaim-");
        try
        {
            await using var host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions
            {
                StateDirectory = state.FullName,
                BackendKind = "local",
                GpuInventory = new OneGpu(),
            });
            var registry = AppFixture.CreateRegistry();
            ModalSerializer.Register(registry.Resolver);
            var manifest = AppManifest.Parse(registry.ManifestJson);
            manifest = manifest with
            {
                Functions = [.. manifest.Functions.Select(f => f.Name is "Square" or "Add"
                    ? f with
                    {
                        Resources = (f.Resources ?? new ResourcesManifest()) with { Gpu = "H100" },
                        Autoscaler = (f.Autoscaler ?? new AutoscalerManifest()) with { ScaledownWindowSeconds = 600 },
                    }
                    : f)],
            };

            await using var run = await ModalApp.StartAppAsync(
                manifest, manifest.ToJson(), registry.GetType().Assembly.Location, new ModalOptions { ServerUrl = host.Address }, CancellationToken.None);
            AppRun.Current = run;
            var scheduler = host.Scheduler;

            Assert.Equal(9, await Functions.Square.RemoteAsync(3).WaitAsync(TimeSpan.FromSeconds(120)));
            var square = Assert.Single(scheduler.GetFunctionById(run.FunctionIds["Square"]).Containers());
            var pid = square.Pid;
            Assert.NotNull(pid);

            Assert.Equal(5, await Functions.Add.RemoteAsync(2, 3).WaitAsync(TimeSpan.FromSeconds(120)));

            Assert.Equal("Add", square.ReclaimedFor?.Function.Name);
            Assert.Equal(ContainerPhase.Exited, square.Phase);
            Assert.Empty(await WorkerProcesses.WaitForExitAsync([pid.Value], TimeSpan.FromSeconds(30)));
            Assert.Empty(scheduler.Gpus.Waiting);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private sealed class OneGpu : IGpuInventory
    {
        public IReadOnlyList<GpuDevice> Devices { get; } = [new GpuDevice(0, "NVIDIA H100 80GB HBM3", "H100", 81_559, "GPU-e2e-0")];
    }
}
