using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Modal.Backends;
using Modal.Gpus.Inventory;
using Modal.Manifest;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests;

/// <summary>
/// GPU placement through the control plane, over a fake node inventory (the only place one is injected): deploy-time
/// refusal, devices handed to the backend, containers held back while devices are taken, and release on exit.
/// </summary>
public sealed class GpuPlacementTests
{
    [Fact]
    public async Task A_gpu_no_node_device_can_serve_is_refused_at_app_creation()
    {
        await using var plane = await StartAsync([]);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await plane.Api.AppCreateAsync(App(Gpu("Embed", "H100"), plane)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Function 'Embed' requests H100, but no node offers H100; available: none", error.Status.Detail);
    }

    [Fact]
    public async Task A_gpu_container_gets_its_devices_and_a_second_one_waits_until_they_are_released()
    {
        await using var plane = await StartAsync([new GpuDevice(0, "NVIDIA H100 80GB HBM3", "H100", 81_559, "GPU-aaaa")]);
        var function = Gpu("Embed", "H100") with { Autoscaler = new AutoscalerManifest { MinContainers = 2, MaxContainers = 2 } };

        await plane.Api.AppCreateAsync(App(function, plane));

        var first = await plane.Backend.NextStartAsync();
        Assert.NotNull(first.Gpus);
        Assert.Equal("GPU-aaaa", first.Gpus!.Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("H100", first.Gpus.Environment["MODAL_GPU_TYPE"]);

        var scheduler = plane.Host.Scheduler;
        var wait = await Eventually(() => scheduler.Gpus.Waiting.SingleOrDefault());
        Assert.Equal(first.FunctionId, wait.Container.Function.FunctionId);
        Assert.StartsWith("waiting for 1 free H100", wait.Reason);
        Assert.Equal(wait.Reason, scheduler.Gpus.WaitReason(first.FunctionId));
        Assert.Single(plane.Backend.Starts);

        plane.Backend.Exit(first.TaskId, 0);

        var second = await plane.Backend.NextStartAsync();
        Assert.Equal(wait.Container.TaskId, second.TaskId);
        Assert.Equal("GPU-aaaa", second.Gpus!.Environment["CUDA_VISIBLE_DEVICES"]);
        // The exited container's replacement (minContainers = 2) now waits in turn.
        Assert.All(scheduler.Gpus.Waiting, w => Assert.NotEqual(second.TaskId, w.Container.TaskId));
    }

    [Fact]
    public async Task An_h100_request_is_served_by_an_h200()
    {
        await using var plane = await StartAsync([new GpuDevice(0, "NVIDIA H200", "H200", 143_771, null)]);

        await plane.Api.AppCreateAsync(App(Gpu("Embed", "H100") with { Autoscaler = new AutoscalerManifest { MinContainers = 1 } }, plane));

        var started = await plane.Backend.NextStartAsync();
        Assert.Equal("H200", started.Gpus!.Type);
        Assert.Equal("0", started.Gpus.Environment["CUDA_VISIBLE_DEVICES"]);
    }

    private static FunctionManifest Gpu(string name, string gpu) =>
        Manifests.Function(name) with { Resources = new ResourcesManifest { Gpu = gpu } };

    private static Modal.Protocol.AppCreateRequest App(FunctionManifest function, GpuControlPlane plane) => new()
    {
        Name = "gpu-app",
        State = Modal.Protocol.AppState.Ephemeral,
        ArtifactDir = plane.Artifacts.Path,
        AssemblyFile = "TestApp.dll",
        ManifestJson = Manifests.App("gpu-app", function).ToJson(),
    };

    private static async Task<T> Eventually<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The condition did not hold within 20 s.");
    }

    private static Task<GpuControlPlane> StartAsync(IReadOnlyList<GpuDevice> devices) => GpuControlPlane.StartAsync(devices);
}
