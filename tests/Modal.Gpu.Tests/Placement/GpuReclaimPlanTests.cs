using Modal.Gpus.Placement;
using Modal.Rules;

namespace Modal.Gpus.Tests.Placement;

/// <summary>
/// <see cref="GpuAllocator.PlanReclaim"/>: which idle containers to stop so that waiting containers get devices.
/// </summary>
public sealed class GpuReclaimPlanTests
{
    private static readonly Func<string, bool> NoneReleasing = _ => false;

    [Fact]
    public void The_longest_idle_containers_of_other_pools_are_stopped_and_only_as_many_as_needed()
    {
        var allocator = Holding(FakeGpuInventory.Of("H100", "H100", "H100", "H100"), "ta-a1", "ta-a2", "ta-a3", "ta-a4");

        var plan = allocator.PlanReclaim(
            [Claim("ta-w", "fu-w", "H100:2")],
            [Idle("ta-a3", "fu-a"), Idle("ta-a1", "fu-a"), Idle("ta-a4", "fu-a")],
            NoneReleasing);

        Assert.Equal([new GpuReclaim("ta-a3", "ta-w"), new GpuReclaim("ta-a1", "ta-w")], plan);
    }

    [Fact]
    public void A_holder_that_alone_covers_the_request_spares_a_longer_idle_one_that_would_not()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H100", "H100", "H100"));
        Assert.Equal(GpuPlacementStatus.Allocated, allocator.TryAllocate("ta-small", "H100").Status);
        Assert.Equal(GpuPlacementStatus.Allocated, allocator.TryAllocate("ta-large", "H100:2").Status);

        var plan = allocator.PlanReclaim(
            [Claim("ta-w", "fu-w", "H100:2")],
            [Idle("ta-small", "fu-a"), Idle("ta-large", "fu-b")],
            NoneReleasing);

        Assert.Equal([new GpuReclaim("ta-large", "ta-w")], plan);
    }

    [Fact]
    public void An_idle_container_of_the_waiting_container_s_own_pool_is_never_stopped()
    {
        var allocator = Holding(FakeGpuInventory.Of("H100"), "ta-own");

        var plan = allocator.PlanReclaim([Claim("ta-w", "fu-w", "H100")], [Idle("ta-own", "fu-w")], NoneReleasing);

        Assert.Empty(plan);
    }

    [Fact]
    public void Devices_of_a_container_already_stopping_count_as_free()
    {
        var allocator = Holding(FakeGpuInventory.Of("H100", "H100"), "ta-stopping", "ta-idle");

        var plan = allocator.PlanReclaim([Claim("ta-w", "fu-w", "H100")], [Idle("ta-idle", "fu-a")], id => id == "ta-stopping");

        Assert.Empty(plan);
    }

    [Fact]
    public void Two_waiting_containers_never_count_on_the_same_device()
    {
        var allocator = Holding(FakeGpuInventory.Of("H100", "H100"), "ta-stopping", "ta-idle");

        var plan = allocator.PlanReclaim(
            [Claim("ta-w1", "fu-w", "H100"), Claim("ta-w2", "fu-w", "H100")],
            [Idle("ta-idle", "fu-a")],
            id => id == "ta-stopping");

        Assert.Equal([new GpuReclaim("ta-idle", "ta-w2")], plan);
    }

    [Fact]
    public void A_request_that_the_idle_containers_cannot_cover_stops_nothing()
    {
        var allocator = Holding(FakeGpuInventory.Of("H100", "H100"), "ta-busy", "ta-idle");

        var plan = allocator.PlanReclaim([Claim("ta-w", "fu-w", "H100:2")], [Idle("ta-idle", "fu-a")], NoneReleasing);

        Assert.Empty(plan);
    }

    [Fact]
    public void Only_devices_that_can_serve_the_request_are_taken()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("T4", "H100"));
        Assert.Equal(GpuPlacementStatus.Allocated, allocator.TryAllocate("ta-t4", "T4").Status);
        Assert.Equal(GpuPlacementStatus.Allocated, allocator.TryAllocate("ta-h100", "H100").Status);

        var plan = allocator.PlanReclaim(
            [Claim("ta-w", "fu-w", "H100")],
            [Idle("ta-t4", "fu-a"), Idle("ta-h100", "fu-b")],
            NoneReleasing);

        Assert.Equal([new GpuReclaim("ta-h100", "ta-w")], plan);
    }

    [Fact]
    public void Planning_changes_no_allocation()
    {
        var allocator = Holding(FakeGpuInventory.Of("H100"), "ta-idle");

        Assert.Single(allocator.PlanReclaim([Claim("ta-w", "fu-w", "H100")], [Idle("ta-idle", "fu-a")], NoneReleasing));

        Assert.NotNull(allocator.Find("ta-idle"));
        Assert.Null(allocator.Find("ta-w"));
        Assert.Empty(allocator.FreeDevices);
    }

    private static GpuAllocator Holding(FakeGpuInventory inventory, params string[] holders)
    {
        var allocator = new GpuAllocator(inventory);
        foreach (var holder in holders)
        {
            Assert.Equal(GpuPlacementStatus.Allocated, allocator.TryAllocate(holder, "H100").Status);
        }

        return allocator;
    }

    private static GpuClaim Claim(string containerId, string pool, string gpu)
    {
        Assert.True(GpuSpec.TryParse(gpu, out var requests, out var error, out _), error);
        return new GpuClaim(containerId, pool, requests);
    }

    private static GpuIdleContainer Idle(string containerId, string pool) => new(containerId, pool);
}
