using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

public sealed class QueueLimitTests
{
    [Fact]
    public void Pending_limit_refuses_the_chunk_that_would_pass_2000_and_keeps_what_was_accepted()
    {
        var function = Sched.Function();
        var accepted = Sched.Enqueue(function, 1_999);
        accepted.AddRange(Sched.Enqueue(function, 1));
        Assert.Equal(2_000, function.Counts().PendingSync);

        var refused = Assert.Throws<ResourceExhaustedError>(() => function.Reserve(1, spawned: false));
        Assert.Contains("2,000 pending inputs", refused.Message);
        Assert.Contains("Retry later", refused.Message);
        Assert.Equal(2_000, function.Counts().PendingSync);

        // Every accepted input still reaches a container, exactly once.
        var container = function.Containers()[0];
        var (_, outbound) = Sched.Connect(function, container, credits: 5_000);
        var delivered = Sched.Drain(outbound).SelectMany(m => m.Inputs).Select(i => i.InputId).ToList();
        Assert.Equal(accepted.Select(i => i.InputId).Order(), delivered.Order());
        Assert.Equal(0, function.Counts().PendingSync);
        Assert.Equal(2_000, function.Counts().Running);
    }

    [Fact]
    public void A_chunk_is_refused_whole_not_cut_at_the_limit()
    {
        var function = Sched.Function();
        Sched.Enqueue(function, 1_500);

        Assert.Throws<ResourceExhaustedError>(() => function.Reserve(501, spawned: false));
        Assert.Equal(1_500, function.Counts().PendingSync);
        function.Reserve(500, spawned: false);
        Assert.Equal(2_000, function.Counts().PendingSync);
    }

    [Fact]
    public void Total_limit_counts_running_inputs_and_refuses_past_25000()
    {
        var function = Sched.Function();
        var (container, outbound) = RunningInputs(function, 23_500);

        Sched.Enqueue(function, 1_500);
        Assert.Equal(25_000, function.Counts().Running + function.Counts().PendingSync);

        var refused = Assert.Throws<ResourceExhaustedError>(() => function.Reserve(1, spawned: false));
        Assert.Contains("25,000 total inputs", refused.Message);
        Assert.Equal(1_500, function.Counts().PendingSync);
        var sent = Sched.Drain(outbound);
        Assert.Equal(23_500, sent.Count);

        // Room opens as running inputs finish.
        var done = sent[0].Inputs[0];
        function.CompleteOutputs(container, [Sched.Output(done, Modal.Protocol.ResultStatus.Success)], 0, new SchedulingEffects());
        function.Reserve(1, spawned: false);
        Assert.Equal(1_501, function.Counts().PendingSync);
    }

    [Fact]
    public void Total_limit_refuses_a_chunk_whole()
    {
        var function = Sched.Function();
        RunningInputs(function, 24_000);
        Sched.Enqueue(function, 999);

        Assert.Throws<ResourceExhaustedError>(() => function.Reserve(2, spawned: false));
        Assert.Equal(999, function.Counts().PendingSync);
        function.Reserve(1, spawned: false);
        Assert.Equal(1_000, function.Counts().PendingSync);
    }

    /// <summary>A connected container running <paramref name="count"/> inputs, handed out in chunks within the pending limit.</summary>
    private static (ContainerTask Container, System.Threading.Channels.Channel<Modal.Protocol.ContainerGetInputsResponse> Outbound) RunningInputs(FunctionRuntime function, int count)
    {
        Sched.Enqueue(function, 1);
        var (container, outbound) = Sched.Connect(function, function.Containers()[0], credits: count);
        for (var running = 1; running < count; running += 1_000)
        {
            Sched.Enqueue(function, Math.Min(1_000, count - running));
        }

        Assert.Equal(count, function.Counts().Running);
        Assert.Equal(0, function.Counts().PendingSync);
        Assert.Equal(0, container.Credits);
        return (container, outbound);
    }

    [Fact]
    public void Spawned_inputs_may_queue_up_to_one_million()
    {
        var function = Sched.Function();
        for (var i = 0; i < 10; i++)
        {
            Sched.Enqueue(function, 100_000, spawned: true);
        }

        Assert.Equal(1_000_000, function.Counts().PendingSpawned);

        var refused = Assert.Throws<ResourceExhaustedError>(() => function.Reserve(1, spawned: true));
        Assert.Contains("1,000,000 pending spawned inputs", refused.Message);
        Assert.Equal(1_000_000, function.Counts().PendingSpawned);

        // Spawned backlog does not use up the synchronous pending limit.
        function.Reserve(2_000, spawned: false);
        Assert.Equal(2_000, function.Counts().PendingSync);
    }

    [Fact]
    public void Stopped_function_refuses_inputs_with_not_found()
    {
        var function = Sched.Function();
        function.Stop("stopped for the test", new SchedulingEffects());
        var error = Assert.Throws<NotFoundError>(() => function.Reserve(1, spawned: false));
        Assert.Contains("was stopped", error.Message);
    }
}
