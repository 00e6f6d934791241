using Modal.Manifest;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

public sealed class RetryTests
{
    [Fact]
    public void Backoff_grows_by_the_coefficient_and_is_capped_at_the_max_delay()
    {
        var policy = RetryPolicy.From(new RetriesManifest { MaxRetries = 5, BackoffCoefficient = 2, InitialDelaySeconds = 1, MaxDelaySeconds = 5 });

        var delays = Enumerable.Range(0, 5).Select(n => policy.DelayAfter(n).TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 5, 5], delays);
        Assert.True(policy.ShouldRetry(4));
        Assert.False(policy.ShouldRetry(5));
    }

    [Fact]
    public void A_plain_retry_count_waits_a_fixed_second()
    {
        var policy = RetryPolicy.From(new RetriesManifest { MaxRetries = 3 });
        Assert.All(Enumerable.Range(0, 3), n => Assert.Equal(TimeSpan.FromSeconds(1), policy.DelayAfter(n)));
    }

    [Fact]
    public void Without_a_policy_nothing_is_retried()
    {
        Assert.False(RetryPolicy.From(null).ShouldRetry(0));
    }

    [Fact]
    public void Failures_are_retried_with_an_incremented_retry_count_until_the_policy_is_spent()
    {
        var manifest = Manifests.Function() with
        {
            Retries = new RetriesManifest { MaxRetries = 2, BackoffCoefficient = 3, InitialDelaySeconds = 0.5, MaxDelaySeconds = 10 },
        };
        var function = Sched.Function(manifest);
        var input = Sched.Enqueue(function, 1)[0];
        var (container, outbound) = Sched.Connect(function, function.Containers()[0], credits: 1);
        var expectedDelays = new[] { 0.5, 1.5 };

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var sent = Assert.Single(Sched.Drain(outbound)).Inputs[0];
            Assert.Equal(attempt, sent.RetryCount);
            var effects = new SchedulingEffects();
            function.CompleteOutputs(container, [Sched.Output(sent, ResultStatus.Failure)], 0, effects);

            Assert.Null(effects.Finals);
            var (retried, delay) = Assert.Single(effects.Retries!);
            Assert.Same(input, retried);
            Assert.Equal(expectedDelays[attempt], delay.TotalSeconds);
            Assert.Equal(InputStatus.RetryWaiting, input.Status);

            function.Requeue(input, 0, new SchedulingEffects());
            function.AddCredits(container, 1, 0, new SchedulingEffects());
        }

        var last = Assert.Single(Sched.Drain(outbound)).Inputs[0];
        Assert.Equal(2, last.RetryCount);
        var final = new SchedulingEffects();
        function.CompleteOutputs(container, [Sched.Output(last, ResultStatus.Failure)], 0, final);
        Assert.Null(final.Retries);
        var (finalInput, result) = Assert.Single(final.Finals!);
        Assert.Same(input, finalInput);
        Assert.Equal(ResultStatus.Failure, result.Status);
    }

    [Fact]
    public void A_lost_container_requeues_its_inputs_when_retries_remain()
    {
        var function = Sched.Function(Manifests.Function() with { Retries = new RetriesManifest { MaxRetries = 1, InitialDelaySeconds = 0 } });
        var input = Sched.Enqueue(function, 1)[0];
        var (container, _) = Sched.Connect(function, function.Containers()[0], credits: 1);
        Assert.Equal(InputStatus.Running, input.Status);

        var effects = new SchedulingEffects();
        function.Lose(container, "exited with code 137", 0, effects);

        Assert.Null(effects.Finals);
        Assert.Equal(TimeSpan.Zero, Assert.Single(effects.Retries!).Delay);
        Assert.Equal(1, input.RetryCount);
        Assert.Equal(0, function.Counts().Running);
    }

    [Fact]
    public void A_lost_container_terminates_its_inputs_when_no_retries_remain()
    {
        var function = Sched.Function();
        var input = Sched.Enqueue(function, 1)[0];
        var (container, _) = Sched.Connect(function, function.Containers()[0], credits: 1);

        var effects = new SchedulingEffects();
        function.Lose(container, "exited with code 137", 0, effects);

        var (final, result) = Assert.Single(effects.Finals!);
        Assert.Same(input, final);
        Assert.Equal(ResultStatus.Terminated, result.Status);
        Assert.Contains("exited with code 137", result.Error.Message);
        Assert.Contains("maxRetries=0", result.Error.Message);
    }

    [Fact]
    public void Only_one_final_output_per_input_even_when_the_container_reports_twice()
    {
        var function = Sched.Function();
        Sched.Enqueue(function, 1);
        var (container, outbound) = Sched.Connect(function, function.Containers()[0], credits: 1);
        var sent = Assert.Single(Sched.Drain(outbound)).Inputs[0];

        var first = new SchedulingEffects();
        function.CompleteOutputs(container, [Sched.Output(sent, ResultStatus.Success)], 0, first);
        var duplicate = new SchedulingEffects();
        function.CompleteOutputs(container, [Sched.Output(sent, ResultStatus.Success)], 0, duplicate);
        function.Lose(container, "exited", 0, duplicate);

        Assert.Single(first.Finals!);
        Assert.Null(duplicate.Finals);
    }

    [Fact]
    public void Containers_that_keep_dying_before_hello_fail_the_pending_inputs()
    {
        var function = Sched.Function(defaultMaxContainers: 1);
        var input = Sched.Enqueue(function, 1)[0];
        var effects = new SchedulingEffects();
        for (var i = 0; i < FunctionRuntime.StartFailureLimit; i++)
        {
            var container = Assert.Single(function.Containers());
            function.Lose(container, "exited with code 1", 0, effects);
        }

        var (final, result) = Assert.Single(effects.Finals!);
        Assert.Same(input, final);
        Assert.Equal(ResultStatus.InitFailure, result.Status);
        Assert.Contains("3 times in a row", result.Error.Message);
    }
}
