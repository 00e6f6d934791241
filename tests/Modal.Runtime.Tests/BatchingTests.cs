using Modal.Manifest;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

/// <summary>Server-side dynamic batching, driven through <see cref="FunctionRuntime"/> with an explicit clock.</summary>
public sealed class BatchingTests
{
    // One warm container, so the tests decide when it has credits.
    private static readonly AutoscalerManifest OneWarm = new() { MinContainers = 1, MaxContainers = 1 };

    private static FunctionRuntime Batched(int maxBatchSize, int waitMs) =>
        Sched.Function(Manifests.Function() with { Batching = new BatchingManifest { MaxBatchSize = maxBatchSize, WaitMs = waitMs }, Autoscaler = OneWarm });

    [Fact]
    public void A_full_batch_goes_to_one_credit_as_one_message_at_once()
    {
        var function = Batched(maxBatchSize: 3, waitMs: 10_000);
        var (_, outbound) = Sched.Connect(function, NewContainer(function), credits: 1);

        var inputs = Sched.Enqueue(function, 4, nowMs: 1_000);

        var batch = Assert.Single(Sched.Drain(outbound));
        Assert.Equal(inputs.Take(3).Select(i => i.InputId), batch.Inputs.Select(i => i.InputId));
        Assert.All(inputs.Take(3), i => Assert.Equal(InputStatus.Running, i.Status));
        Assert.Equal(InputStatus.Pending, inputs[3].Status);
    }

    [Fact]
    public void A_partial_batch_waits_until_WaitMs_after_its_first_input_then_runs()
    {
        var function = Batched(maxBatchSize: 4, waitMs: 500);
        var (container, outbound) = Sched.Connect(function, NewContainer(function), credits: 1);

        var effects = new SchedulingEffects();
        var first = Sched.Enqueue(function, 1, nowMs: 1_000, effects: effects);
        var second = Sched.Enqueue(function, 1, nowMs: 1_200);

        Assert.Empty(Sched.Drain(outbound));
        Assert.Equal((function, 1_500L), Assert.Single(effects.Wakes!));

        function.Wake(1_499, new SchedulingEffects());
        Assert.Empty(Sched.Drain(outbound));

        function.Wake(1_500, new SchedulingEffects());
        var batch = Assert.Single(Sched.Drain(outbound));
        Assert.Equal([first[0].InputId, second[0].InputId], batch.Inputs.Select(i => i.InputId));
        Assert.Equal(0, container.Credits);
    }

    [Fact]
    public void Each_input_of_a_batch_gets_its_own_output_and_retry()
    {
        var function = Sched.Function(Manifests.Function() with
        {
            Batching = new BatchingManifest { MaxBatchSize = 2, WaitMs = 0 },
            Retries = new RetriesManifest { MaxRetries = 1, InitialDelaySeconds = 0 },
            Autoscaler = OneWarm,
        });
        var (container, outbound) = Sched.Connect(function, NewContainer(function), credits: 1);
        Sched.Enqueue(function, 2);
        var batch = Assert.Single(Sched.Drain(outbound)).Inputs;

        var effects = new SchedulingEffects();
        function.CompleteOutputs(container, [Sched.Output(batch[0], ResultStatus.Success), Sched.Output(batch[1], ResultStatus.Failure)], 0, effects);

        var (done, result) = Assert.Single(effects.Finals!);
        Assert.Equal(batch[0].InputId, done.InputId);
        Assert.Equal(ResultStatus.Success, result.Status);
        Assert.Equal(batch[1].InputId, Assert.Single(effects.Retries!).Input.InputId);
    }

    [Fact]
    public void A_batched_pool_wants_one_container_per_batch_of_pending_inputs()
    {
        var settings = AutoscalerSettings.From(Manifests.Function() with { Batching = new BatchingManifest { MaxBatchSize = 8, WaitMs = 10 } }, defaultMaxContainers: 10);

        Assert.Equal(1, settings.DesiredContainers(8));
        Assert.Equal(2, settings.DesiredContainers(9));
    }

    private static ContainerTask NewContainer(FunctionRuntime function)
    {
        function.Scale(0, new SchedulingEffects());
        return function.Containers().Single();
    }
}
