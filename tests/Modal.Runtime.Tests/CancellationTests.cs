using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

public sealed class CancellationTests
{
    [Fact]
    public void Cancel_ends_queued_inputs_and_flags_running_ones_for_the_next_heartbeat()
    {
        var function = Sched.Function(defaultMaxContainers: 1);
        var inputs = Sched.Enqueue(function, 3);
        var (container, _) = Sched.Connect(function, function.Containers()[0], credits: 1);
        var running = inputs.Single(i => i.Status == InputStatus.Running);

        var effects = new SchedulingEffects();
        function.Cancel(inputs, terminateContainers: false, 0, effects);

        Assert.Equal(2, effects.Finals!.Count);
        Assert.All(effects.Finals, f => Assert.Equal(ResultStatus.Cancelled, f.Result.Status));
        Assert.Equal(0, function.Counts().PendingSync);
        Assert.True(running.CancelRequested);
        var (cancels, shutdown) = function.Heartbeat(container, 0);
        Assert.Equal([running.InputId], cancels);
        Assert.False(shutdown);
        Assert.Null(function.Heartbeat(container, 0).CancelInputIds);
    }

    [Fact]
    public void Cancel_with_terminate_stops_the_containers_running_the_inputs()
    {
        var function = Sched.Function(Manifests.Function() with { Retries = new Modal.Manifest.RetriesManifest { MaxRetries = 3 } });
        var input = Sched.Enqueue(function, 1)[0];
        var (container, _) = Sched.Connect(function, function.Containers()[0], credits: 1);

        var effects = new SchedulingEffects();
        function.Cancel([input], terminateContainers: true, 0, effects);

        Assert.Contains(container, effects.Stop!);
        Assert.Equal(ContainerPhase.Exited, container.Phase);
        var (final, result) = Assert.Single(effects.Finals!);
        Assert.Same(input, final);
        Assert.Equal(ResultStatus.Cancelled, result.Status);
        Assert.Null(effects.Retries);
    }

    [Fact]
    public void Inputs_reserved_while_the_app_stops_end_terminated_and_leave_the_counts_balanced()
    {
        var function = Sched.Function();
        Sched.Enqueue(function, 3);
        var call = Sched.Call(function);
        var late = Sched.Records(call, 2);
        function.Reserve(2, spawned: false);

        var stop = new SchedulingEffects();
        function.Stop("the app was stopped", stop);
        var afterStop = new SchedulingEffects();
        function.EnqueueReserved(late, 0, afterStop);

        Assert.Equal(3, stop.Finals!.Count);
        Assert.Equal(2, afterStop.Finals!.Count);
        Assert.All(stop.Finals.Concat(afterStop.Finals), f => Assert.Equal(ResultStatus.Terminated, f.Result.Status));
        Assert.Equal(0, function.Counts().PendingSync);
        Assert.All(function.Containers(), c => Assert.True(c.ShutdownRequested));
    }
}
