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
    public void Cancel_with_terminate_reschedules_the_other_inputs_of_the_container()
    {
        var function = Sched.Function(Manifests.Function() with { IsAsync = true, Concurrency = new Modal.Manifest.ConcurrencyManifest { MaxInputs = 2 } }, defaultMaxContainers: 1);
        var inputs = Sched.Enqueue(function, 2);
        Sched.Connect(function, function.Containers()[0], credits: 2);

        var effects = new SchedulingEffects();
        function.Cancel([inputs[0]], terminateContainers: true, 0, effects);

        Assert.Same(inputs[0], Assert.Single(effects.Finals!).Input);
        Assert.Equal(InputStatus.Pending, inputs[1].Status);
        Assert.Equal(0, inputs[1].RetryCount);
        Assert.Null(effects.Retries);
        Assert.NotNull(effects.Start);
    }

    [Fact]
    public void A_cancellation_is_pushed_on_the_input_stream_at_once()
    {
        var function = Sched.Function(defaultMaxContainers: 1);
        var input = Sched.Enqueue(function, 1)[0];
        var (_, outbound) = Sched.Connect(function, function.Containers()[0], credits: 1);
        Sched.Drain(outbound);

        function.Cancel([input], terminateContainers: false, 0, new SchedulingEffects());

        Assert.Equal([input.InputId], Assert.Single(Sched.Drain(outbound)).CancelInputIds);
    }

    [Fact]
    public void Cancelling_a_synchronous_concurrent_input_terminates_its_container_and_reschedules_the_others_without_a_retry()
    {
        var function = Sched.Function(Manifests.Function() with { Concurrency = new Modal.Manifest.ConcurrencyManifest { MaxInputs = 4 } }, defaultMaxContainers: 1);
        var inputs = Sched.Enqueue(function, 2);
        var (container, _) = Sched.Connect(function, function.Containers()[0], credits: 4);
        Assert.All(inputs, i => Assert.Equal(InputStatus.Running, i.Status));

        var effects = new SchedulingEffects();
        function.Cancel([inputs[0]], terminateContainers: false, 0, effects);

        Assert.Contains(container, effects.Stop!);
        Assert.Equal(ContainerPhase.Exited, container.Phase);
        var (cancelled, result) = Assert.Single(effects.Finals!);
        Assert.Same(inputs[0], cancelled);
        Assert.Equal(ResultStatus.Cancelled, result.Status);
        Assert.Equal("Modal.InputCancellation", result.Error.Type);
        Assert.Equal(InputStatus.Pending, inputs[1].Status);
        Assert.Equal(0, inputs[1].RetryCount);
        Assert.Null(effects.Retries);
        Assert.Equal(1, function.Counts().PendingSync);
    }

    [Fact]
    public void An_async_concurrent_input_is_cancelled_alone()
    {
        var function = Sched.Function(Manifests.Function() with { IsAsync = true, Concurrency = new Modal.Manifest.ConcurrencyManifest { MaxInputs = 4 } }, defaultMaxContainers: 1);
        var inputs = Sched.Enqueue(function, 2);
        var (container, _) = Sched.Connect(function, function.Containers()[0], credits: 4);

        var effects = new SchedulingEffects();
        function.Cancel([inputs[0]], terminateContainers: false, 0, effects);

        Assert.Null(effects.Stop);
        Assert.Equal(ContainerPhase.Ready, container.Phase);
        Assert.True(inputs[0].CancelRequested);
        Assert.Equal(InputStatus.Running, inputs[1].Status);
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
