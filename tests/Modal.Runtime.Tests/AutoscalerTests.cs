using Modal.Manifest;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

public sealed class AutoscalerTests
{
    [Theory]
    [InlineData(0, 0, 10, 0, 1, 0)]     // idle: scale to zero
    [InlineData(1, 0, 10, 0, 1, 1)]
    [InlineData(7, 0, 10, 0, 1, 7)]
    [InlineData(50, 0, 10, 0, 1, 10)]   // capped at max
    [InlineData(7, 0, 10, 0, 4, 2)]     // ceil(7 / 4)
    [InlineData(8, 0, 10, 0, 4, 2)]
    [InlineData(9, 0, 10, 0, 4, 3)]
    [InlineData(3, 0, 10, 2, 1, 5)]     // buffer while active
    [InlineData(0, 0, 10, 2, 1, 0)]     // no buffer while idle
    [InlineData(0, 2, 10, 0, 1, 2)]     // warm pool
    [InlineData(1, 3, 10, 0, 1, 3)]     // never below min
    [InlineData(9, 0, 10, 3, 1, 10)]    // buffer capped at max
    public void Desired_containers_follow_the_formula(int inflight, int min, int max, int buffer, int target, int expected)
    {
        var settings = new AutoscalerSettings(min, max, buffer, TimeSpan.FromSeconds(60), target);
        Assert.Equal(expected, settings.DesiredContainers(inflight));
    }

    [Fact]
    public void Defaults_come_from_concurrency_and_the_control_plane()
    {
        var plain = AutoscalerSettings.From(Manifests.Function(), defaultMaxContainers: 6);
        Assert.Equal(new AutoscalerSettings(0, 6, 0, TimeSpan.FromSeconds(60), 1), plain);

        var concurrent = AutoscalerSettings.From(Manifests.Function() with { Concurrency = new ConcurrencyManifest { MaxInputs = 100, TargetInputs = 80 } }, 6);
        Assert.Equal(80, concurrent.TargetInputs);
        var maxOnly = AutoscalerSettings.From(Manifests.Function() with { Concurrency = new ConcurrencyManifest { MaxInputs = 100 } }, 6);
        Assert.Equal(100, maxOnly.TargetInputs);

        var warm = AutoscalerSettings.From(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MinContainers = 9 } }, 6);
        Assert.Equal(9, warm.MaxContainers);
    }

    [Fact]
    public void Inputs_start_containers_up_to_the_desired_count()
    {
        var function = Sched.Function(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MaxContainers = 3 } });
        var effects = new SchedulingEffects();
        Sched.Enqueue(function, 2, effects: effects);
        Assert.Equal(2, effects.Start!.Count);

        var more = new SchedulingEffects();
        Sched.Enqueue(function, 5, effects: more);
        Assert.Single(more.Start!);
        Assert.Equal(3, function.Counts().Containers);
    }

    [Fact]
    public void Min_containers_start_with_the_app()
    {
        var function = Sched.Function(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MinContainers = 2 } });
        var effects = new SchedulingEffects();
        function.Scale(0, effects);
        Assert.Equal(2, effects.Start!.Count);
    }

    [Fact]
    public void Idle_containers_stop_after_the_scaledown_window_down_to_min_containers()
    {
        var function = Sched.Function(Manifests.Function() with
        {
            Autoscaler = new AutoscalerManifest { MinContainers = 1, ScaledownWindowSeconds = 60 },
        });
        Sched.Enqueue(function, 3);
        var containers = function.Containers();
        Assert.Equal(3, containers.Count);
        var streams = containers.Select(c => Sched.Connect(function, c, credits: 1).Outbound).ToList();
        foreach (var (container, outbound) in containers.Zip(streams))
        {
            var input = Assert.Single(Sched.Drain(outbound)).Inputs[0];
            function.CompleteOutputs(container, [Sched.Output(input, ResultStatus.Success)], nowMs: 1_000, new SchedulingEffects());
        }

        containers.ForEach(c => c.Seen(60_999));
        var early = new SchedulingEffects();
        function.Maintain(nowMs: 60_999, checkDeadlines: true, early);
        Assert.Null(early.Stop);

        containers.ForEach(c => c.Seen(61_000));
        var late = new SchedulingEffects();
        function.Maintain(nowMs: 61_000, checkDeadlines: true, late);
        Assert.Equal(2, late.Stop!.Count);
        Assert.Equal(1, function.Counts().ActiveContainers);
        foreach (var stopped in late.Stop)
        {
            var shutdown = Sched.Drain(streams[containers.IndexOf(stopped)]);
            Assert.True(Assert.Single(shutdown).Shutdown);
        }
    }

    [Fact]
    public void A_container_that_served_max_inputs_is_told_to_shut_down()
    {
        var function = Sched.Function(Manifests.Function() with { MaxInputs = 1 });
        Sched.Enqueue(function, 2);
        var container = function.Containers()[0];
        var (_, outbound) = Sched.Connect(function, container, credits: 2);

        var input = Assert.Single(Sched.Drain(outbound)).Inputs[0];
        Assert.True(container.Retiring);
        var effects = new SchedulingEffects();
        function.CompleteOutputs(container, [Sched.Output(input, ResultStatus.Success)], 0, effects);

        Assert.True(Assert.Single(Sched.Drain(outbound)).Shutdown);
        Assert.Contains(container, effects.Stop!);
        Assert.Equal(1, function.Counts().PendingSync);
    }

    [Fact]
    public void A_container_without_heartbeats_is_lost()
    {
        var function = Sched.Function();
        var input = Sched.Enqueue(function, 1)[0];
        var container = function.Containers()[0];
        Sched.Connect(function, container, credits: 1, nowMs: 0);

        var effects = new SchedulingEffects();
        function.Maintain(nowMs: 15_001, checkDeadlines: false, effects);

        Assert.Contains(container, effects.Stop!);
        Assert.Equal(ContainerPhase.Exited, container.Phase);
        var (final, result) = Assert.Single(effects.Finals!);
        Assert.Same(input, final);
        Assert.Contains("no heartbeat", result.Error.Message);
    }

    [Fact]
    public void An_input_far_past_its_deadline_stops_its_container_with_a_timeout()
    {
        var function = Sched.Function(Manifests.Function() with { TimeoutSeconds = 5 });
        var input = Sched.Enqueue(function, 1)[0];
        var container = function.Containers()[0];
        Sched.Connect(function, container, credits: 1, nowMs: 0);
        container.Seen(20_000);

        var effects = new SchedulingEffects();
        function.Maintain(nowMs: 15_001, checkDeadlines: true, effects);

        var (final, result) = Assert.Single(effects.Finals!);
        Assert.Same(input, final);
        Assert.Equal(ResultStatus.Timeout, result.Status);
        Assert.Contains(container, effects.Stop!);
    }
}
