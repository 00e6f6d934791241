using Modal.Manifest;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

/// <summary>Timeouts of inputs and of container start-up ([Enter] included), and containers that fail to start their function.</summary>
public sealed class StartupAndInitTests
{
    [Fact]
    public void The_default_input_timeout_is_300_seconds_and_the_startup_timeout_is_separate()
    {
        var plain = Sched.Function();
        Assert.Equal(300_000, plain.TimeoutMs);

        var configured = Sched.Function(Manifests.Function() with { TimeoutSeconds = 5, StartupTimeoutSeconds = 90 });
        Assert.Equal(5_000, configured.TimeoutMs);
        Assert.Equal(90_000, configured.StartupTimeoutMs);
    }

    [Fact]
    public void A_container_that_said_hello_but_runs_enter_hooks_past_its_startup_timeout_is_replaced()
    {
        var function = Sched.Function(Manifests.Function() with { StartupTimeoutSeconds = 5, Autoscaler = new AutoscalerManifest { MinContainers = 1 } });
        function.Scale(0, new SchedulingEffects());
        var container = function.Containers().Single();

        // Hello comes before the [Enter] hooks; the input stream opens after them.
        function.Hello(container, 1234, 100);
        function.Maintain(4_000, checkDeadlines: true, new SchedulingEffects());
        Assert.Equal(ContainerPhase.Starting, container.Phase);

        var effects = new SchedulingEffects();
        function.Maintain(5_100, checkDeadlines: true, effects);
        Assert.Equal(ContainerPhase.Exited, container.Phase);
        Assert.Contains(container, effects.Stop!);
        Assert.NotNull(effects.Start);
    }

    [Fact]
    public void Once_its_stream_is_open_a_container_is_ready_however_long_it_lives()
    {
        var function = Sched.Function(Manifests.Function() with { StartupTimeoutSeconds = 5, Autoscaler = new AutoscalerManifest { MinContainers = 1 } });
        function.Scale(0, new SchedulingEffects());
        var (container, _) = Sched.Connect(function, function.Containers().Single(), credits: 1, nowMs: 4_000);

        function.Heartbeat(container, 9_000);
        function.Maintain(10_000, checkDeadlines: true, new SchedulingEffects());

        Assert.Equal(ContainerPhase.Ready, container.Phase);
    }

    [Fact]
    public void Containers_that_keep_failing_to_start_their_function_fail_the_queue_with_that_error()
    {
        var function = Sched.Function(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MaxContainers = 3 } });
        var inputs = Sched.Enqueue(function, 5);
        var failed = new List<(InputRecord, FunctionResult)>();
        for (var i = 0; i < FunctionRuntime.StartFailureLimit; i++)
        {
            var container = function.Containers().First(c => c.Phase == ContainerPhase.Starting);
            var (_, outbound) = Sched.Connect(function, container, credits: 1);
            var input = Assert.Single(Sched.Drain(outbound)).Inputs[0];
            var effects = new SchedulingEffects();
            function.CompleteOutputs(container, [new ContainerOutput
            {
                InputId = input.InputId,
                Result = new FunctionResult
                {
                    Status = ResultStatus.InitFailure,
                    Error = new RemoteError { Type = "System.InvalidOperationException", Message = "setup exploded" },
                },
            }], 0, effects);
            failed.AddRange(effects.Finals ?? []);
            function.Lose(container, "exited", 0, new SchedulingEffects());
        }

        Assert.Equal(5, failed.Count);
        Assert.All(failed, f => Assert.Equal(ResultStatus.InitFailure, f.Item2.Status));
        Assert.All(failed, f => Assert.Contains("setup exploded", f.Item2.Error.Message));
        Assert.All(inputs, i => Assert.Equal(InputStatus.Done, i.Status));
        Assert.Equal(0, function.Counts().Pending);
    }
}
