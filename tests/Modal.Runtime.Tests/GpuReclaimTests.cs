using Modal.Gpus.Inventory;
using Modal.Manifest;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

/// <summary>
/// Idle GPU containers give their devices to another function's waiting work instead of holding them for their whole
/// scale-down window, through the real control plane over a one-device fake inventory; the test plays the containers.
/// Containers kept warm by minContainers, and containers with work in flight, keep their devices.
/// </summary>
public sealed class GpuReclaimTests
{
    private static readonly GpuDevice H100 = new(0, "NVIDIA H100 80GB HBM3", "H100", 81_559, "GPU-aaaa");

    [Fact]
    public async Task An_idle_container_is_stopped_for_another_function_s_waiting_input_without_waiting_for_its_scaledown_window()
    {
        var logs = new LogCapture();
        using var loggerFactory = logs.Factory();
        await using var plane = await GpuControlPlane.StartAsync([H100], loggerFactory);
        var app = await plane.Api.AppCreateAsync(App(plane, Gpu("EmbedA"), Gpu("EmbedB")));
        var scheduler = plane.Host.Scheduler;

        var callA = await CallAsync(plane, app.FunctionIds["EmbedA"]);
        await using var a = await TestContainer.ConnectAsync(plane.Containers, await plane.Backend.NextStartAsync(), credits: 1);
        await a.SucceedAsync(await a.NextInputAsync(), [1]);
        Assert.Equal(ResultStatus.Success, Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, callA)).Result.Status);
        var containerA = Assert.Single(scheduler.GetFunctionById(app.FunctionIds["EmbedA"]).Containers());

        var callB = await CallAsync(plane, app.FunctionIds["EmbedB"]);

        // A's window is 600 s; the shutdown comes now, while B's container waits for the device.
        var message = await a.NextMessageAsync();
        Assert.True(message?.Shutdown, "the idle container of EmbedA should have been told to shut down");
        var waiting = Assert.Single(scheduler.Gpus.Waiting);
        Assert.Equal("EmbedB", waiting.Container.Function.Name);
        Assert.Same(waiting.Container, containerA.ReclaimedFor);
        Assert.Contains(a.Spec.TaskId, plane.Backend.Stops);
        Assert.Contains(logs.Lines, line =>
            line.Contains($"Stopping idle container {a.Spec.TaskId} of function EmbedA", StringComparison.Ordinal) &&
            line.Contains($"to container {waiting.Container.TaskId} of function EmbedB", StringComparison.Ordinal));

        // The worker exits on shutdown, as a real one does; its device goes to B's container.
        plane.Backend.Exit(a.Spec.TaskId, 0);
        var specB = await plane.Backend.NextStartAsync();
        Assert.Equal(waiting.Container.TaskId, specB.TaskId);
        Assert.Equal("GPU-aaaa", specB.Gpus!.Environment["CUDA_VISIBLE_DEVICES"]);
        await using var b = await TestContainer.ConnectAsync(plane.Containers, specB, credits: 1);
        await b.SucceedAsync(await b.NextInputAsync(), [2]);
        var output = Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, callB));
        Assert.Equal(ResultStatus.Success, output.Result.Status);
        Assert.Equal([2], output.Result.Data.Inline.ToByteArray());
    }

    [Fact]
    public async Task A_container_kept_warm_by_min_containers_keeps_its_gpu_and_the_other_function_waits()
    {
        await using var plane = await GpuControlPlane.StartAsync([H100]);
        var warm = Gpu("EmbedA") with { Autoscaler = new AutoscalerManifest { MinContainers = 1, ScaledownWindowSeconds = 600 } };
        var app = await plane.Api.AppCreateAsync(App(plane, warm, Gpu("EmbedB")));
        var scheduler = plane.Host.Scheduler;
        await using var a = await TestContainer.ConnectAsync(plane.Containers, await plane.Backend.NextStartAsync(), credits: 1);
        var containerA = Assert.Single(scheduler.GetFunctionById(app.FunctionIds["EmbedA"]).Containers());

        var callB = await CallAsync(plane, app.FunctionIds["EmbedB"]);
        var waiting = await Eventually(() => scheduler.Gpus.Waiting.SingleOrDefault());
        Assert.Equal("EmbedB", waiting.Container.Function.Name);
        await scheduler.RunMaintenanceAsync(CancellationToken.None);
        await scheduler.RunMaintenanceAsync(CancellationToken.None);

        Assert.False(containerA.ShutdownRequested);
        Assert.Null(containerA.ReclaimedFor);
        Assert.Empty(plane.Backend.Stops);
        Assert.Single(plane.Backend.Starts);
        Assert.Equal(1, scheduler.GetFunctionById(app.FunctionIds["EmbedB"]).Counts().PendingSync);
        Assert.Contains(waiting, scheduler.Gpus.Waiting);

        await plane.Api.AppStopAsync(new AppStopRequest { AppId = app.AppId });
        Assert.Equal(ResultStatus.Terminated, Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, callB)).Result.Status);
    }

    [Fact]
    public async Task A_container_with_an_input_in_flight_keeps_its_gpu_until_the_input_is_answered()
    {
        await using var plane = await GpuControlPlane.StartAsync([H100]);
        var app = await plane.Api.AppCreateAsync(App(plane, Gpu("EmbedA"), Gpu("EmbedB")));
        var scheduler = plane.Host.Scheduler;
        var callA = await CallAsync(plane, app.FunctionIds["EmbedA"]);
        await using var a = await TestContainer.ConnectAsync(plane.Containers, await plane.Backend.NextStartAsync(), credits: 1);
        var inputA = await a.NextInputAsync();
        var containerA = Assert.Single(scheduler.GetFunctionById(app.FunctionIds["EmbedA"]).Containers());

        var callB = await CallAsync(plane, app.FunctionIds["EmbedB"]);
        await Eventually(() => scheduler.Gpus.Waiting.SingleOrDefault());
        await scheduler.RunMaintenanceAsync(CancellationToken.None);
        await scheduler.RunMaintenanceAsync(CancellationToken.None);

        Assert.False(containerA.ShutdownRequested);
        Assert.Empty(plane.Backend.Stops);

        // Answered, the container is idle: the next pass (the periodic one, or this one) gives its device to B.
        await a.SucceedAsync(inputA, [1]);
        Assert.Equal(ResultStatus.Success, Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, callA)).Result.Status);
        await scheduler.RunMaintenanceAsync(CancellationToken.None);
        var message = await a.NextMessageAsync();
        Assert.True(message?.Shutdown, "the container of EmbedA should have been told to shut down once idle");
        Assert.Equal("EmbedB", containerA.ReclaimedFor?.Function.Name);

        plane.Backend.Exit(a.Spec.TaskId, 0);
        await using var b = await TestContainer.ConnectAsync(plane.Containers, await plane.Backend.NextStartAsync(), credits: 1);
        await b.SucceedAsync(await b.NextInputAsync(), [2]);
        Assert.Equal(ResultStatus.Success, Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, callB)).Result.Status);
    }

    [Fact]
    public void Only_idle_containers_beyond_what_the_autoscaler_wants_may_be_reclaimed_longest_idle_first()
    {
        var function = Sched.Function(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MinContainers = 1, ScaledownWindowSeconds = 600 } });
        Sched.Enqueue(function, 3);
        var containers = function.Containers();
        Assert.Equal(3, containers.Count);
        var streams = containers.Select(c => Sched.Connect(function, c, credits: 1).Outbound).ToList();
        var inputs = streams.Select(s => Assert.Single(Sched.Drain(s)).Inputs[0]).ToList();
        // Answered in reverse order, so the last container has been idle longest.
        function.CompleteOutputs(containers[2], [Sched.Output(inputs[2], ResultStatus.Success)], nowMs: 1_000, new SchedulingEffects());
        function.CompleteOutputs(containers[1], [Sched.Output(inputs[1], ResultStatus.Success)], nowMs: 2_000, new SchedulingEffects());

        // One still runs its input: the function wants one container, so of three, two are spare, and both are idle.
        Assert.Equal([containers[2], containers[1]], function.ReclaimableContainers());

        function.CompleteOutputs(containers[0], [Sched.Output(inputs[0], ResultStatus.Success)], nowMs: 3_000, new SchedulingEffects());
        // Idle now: minContainers = 1 keeps the most recently idle one out of reach.
        Assert.Equal([containers[2], containers[1]], function.ReclaimableContainers());
    }

    [Fact]
    public void A_container_still_waiting_for_gpus_does_not_count_toward_the_min_containers_floor()
    {
        var function = Sched.Function(Manifests.Function() with
        {
            Autoscaler = new AutoscalerManifest { MinContainers = 1, MaxContainers = 2, ScaledownWindowSeconds = 600 },
        });
        Sched.Enqueue(function, 2);
        var containers = function.Containers();
        containers[1].AwaitingDevices = true;
        var outbound = Sched.Connect(function, containers[0], credits: 2).Outbound;
        foreach (var input in Sched.Drain(outbound).SelectMany(m => m.Inputs))
        {
            function.CompleteOutputs(containers[0], [Sched.Output(input, ResultStatus.Success)], nowMs: 1_000, new SchedulingEffects());
        }

        Assert.Empty(function.ReclaimableContainers());
        Assert.False(function.TryReclaim(containers[0], new ContainerTask("ta-waiting", "token", Sched.Function(Manifests.Function("Other")), 0), new SchedulingEffects()));
    }

    [Fact]
    public void A_container_that_got_an_input_since_it_was_chosen_is_not_reclaimed()
    {
        var function = Sched.Function(Manifests.Function() with { Autoscaler = new AutoscalerManifest { ScaledownWindowSeconds = 600 } });
        var other = Sched.Function(Manifests.Function("Other"));
        var waiting = new ContainerTask("ta-waiting", "token", other, 0);
        var first = Sched.Enqueue(function, 1).Single();
        var container = Assert.Single(function.Containers());
        var outbound = Sched.Connect(function, container, credits: 2).Outbound;
        function.CompleteOutputs(container, [Sched.Output(Assert.Single(Sched.Drain(outbound)).Inputs[0], ResultStatus.Success)], nowMs: 1_000, new SchedulingEffects());
        Assert.Equal([container], function.ReclaimableContainers());

        Sched.Enqueue(function, 1, nowMs: 2_000);
        var effects = new SchedulingEffects();

        Assert.False(function.TryReclaim(container, waiting, effects));
        Assert.Null(effects.Stop);
        Assert.False(container.ShutdownRequested);
        Assert.Single(container.Assigned);
        Assert.Equal(InputStatus.Done, first.Status);
    }

    [Fact]
    public void An_idle_spare_container_is_reclaimed_with_a_shutdown_on_its_stream()
    {
        var function = Sched.Function(Manifests.Function() with { Autoscaler = new AutoscalerManifest { ScaledownWindowSeconds = 600 } });
        var waiting = new ContainerTask("ta-waiting", "token", Sched.Function(Manifests.Function("Other")), 0);
        Sched.Enqueue(function, 1);
        var container = Assert.Single(function.Containers());
        var outbound = Sched.Connect(function, container, credits: 1).Outbound;
        function.CompleteOutputs(container, [Sched.Output(Assert.Single(Sched.Drain(outbound)).Inputs[0], ResultStatus.Success)], nowMs: 1_000, new SchedulingEffects());
        var effects = new SchedulingEffects();

        Assert.True(function.TryReclaim(container, waiting, effects));

        Assert.Equal([container], effects.Stop);
        Assert.Same(waiting, container.ReclaimedFor);
        Assert.True(Assert.Single(Sched.Drain(outbound)).Shutdown);
        Assert.Null(effects.Start);
    }

    [Fact]
    public void A_surplus_container_still_waiting_for_gpus_is_dropped_at_once_while_the_idle_one_keeps_its_window()
    {
        var function = Sched.Function(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MaxContainers = 2, ScaledownWindowSeconds = 600 } });
        Sched.Enqueue(function, 2);
        var containers = function.Containers();
        Assert.Equal(2, containers.Count);
        containers[1].AwaitingDevices = true;
        var outbound = Sched.Connect(function, containers[0], credits: 2).Outbound;
        foreach (var input in Sched.Drain(outbound).SelectMany(m => m.Inputs))
        {
            function.CompleteOutputs(containers[0], [Sched.Output(input, ResultStatus.Success)], nowMs: 1_000, new SchedulingEffects());
        }

        containers[0].Seen(2_000);
        var effects = new SchedulingEffects();
        function.Maintain(nowMs: 2_000, checkDeadlines: true, effects);

        Assert.Equal([containers[1]], effects.Stop);
        Assert.True(containers[1].ShutdownRequested);
        Assert.False(containers[0].ShutdownRequested);
        Assert.Null(effects.Start);
    }

    private static FunctionManifest Gpu(string name) => Manifests.Function(name) with
    {
        Resources = new ResourcesManifest { Gpu = "H100" },
        Autoscaler = new AutoscalerManifest { ScaledownWindowSeconds = 600 },
    };

    private static AppCreateRequest App(GpuControlPlane plane, params FunctionManifest[] functions) => new()
    {
        Name = "gpu-reclaim",
        State = AppState.Ephemeral,
        ArtifactDir = plane.Artifacts.Path,
        AssemblyFile = "TestApp.dll",
        ManifestJson = Manifests.App("gpu-reclaim", functions).ToJson(),
    };

    private static async Task<string> CallAsync(GpuControlPlane plane, string functionId)
    {
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = functionId,
            CallType = FunctionCallType.Unary,
            InvocationType = FunctionCallInvocationType.Sync,
            PipelinedInputs = { Inputs.Input(0) },
            InputsComplete = true,
        });
        return map.FunctionCallId;
    }

    private static async Task<T> Eventually<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The condition did not hold within 30 s.");
    }
}
