using Modal.Gpus.Placement;

namespace Modal.Gpus.Tests.Placement;

public sealed class GpuAllocatorTests
{
    [Fact]
    public void Assigns_the_requested_type_and_count()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("T4", "H100", "H100", "H100"));

        var placement = allocator.TryAllocate("ta-1", "H100:2");

        Assert.Equal(GpuPlacementStatus.Allocated, placement.Status);
        Assert.Null(placement.Reason);
        var allocation = placement.Allocation!;
        Assert.Equal("H100", allocation.Type);
        Assert.Equal([1, 2], allocation.Devices.Select(d => d.Index));
        Assert.Equal("H100:2", allocation.Request.ToString());
        Assert.Same(allocation, allocator.Find("ta-1"));
    }

    [Fact]
    public void An_h100_request_prefers_h100s_and_is_upgraded_to_an_h200_when_none_is_free()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H200", "H100"));

        Assert.Equal("H100", allocator.TryAllocate("ta-1", "H100").Allocation!.Type);
        var upgraded = allocator.TryAllocate("ta-2", "H100").Allocation!;

        Assert.Equal("H200", upgraded.Type);
        Assert.Equal(0, upgraded.Devices.Single().Index);
        Assert.Equal("H200", upgraded.Environment[GpuEnvironmentVariables.Type]);
        Assert.Equal("H100", upgraded.Environment[GpuEnvironmentVariables.Request]);
    }

    [Fact]
    public void H100_with_a_bang_is_never_upgraded()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H200", "H100"));
        Assert.Equal(GpuPlacementStatus.Allocated, allocator.TryAllocate("ta-1", "H100!").Status);

        var placement = allocator.TryAllocate("ta-2", "H100!");

        Assert.Equal(GpuPlacementStatus.Wait, placement.Status);
        Assert.Equal("waiting for 1 free H100; 0 of 1 free", placement.Reason);
    }

    [Fact]
    public void H100_with_a_bang_on_a_node_of_h200s_says_how_to_accept_the_upgrade()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H200", "H200"));

        var placement = allocator.TryAllocate("ta-1", "H100!");

        Assert.Equal(GpuPlacementStatus.Unsatisfiable, placement.Status);
        Assert.StartsWith("no node offers H100!; available: 2 x H200.", placement.Reason, StringComparison.Ordinal);
        Assert.Contains("write H100 to accept an H200", placement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fallbacks_are_tried_in_order()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H100", "A100-80GB", "A100-80GB", "T4"));
        allocator.TryAllocate("busy", "H100");

        var placement = allocator.TryAllocate("ta-1", "H100, A100-80GB:2, T4");

        Assert.Equal("A100-80GB", placement.Allocation!.Type);
        Assert.Equal("A100-80GB:2", placement.Allocation.Request.ToString());
        Assert.Equal([1, 2], placement.Allocation.Devices.Select(d => d.Index));
    }

    [Fact]
    public void The_first_fallback_wins_when_it_is_free()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("T4", "H100"));

        Assert.Equal("H100", allocator.TryAllocate("ta-1", "H100, T4").Allocation!.Type);
    }

    [Fact]
    public void Any_takes_the_smallest_type_first_and_keeps_a_container_on_one_type()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H100", "H100", "T4", "L4"));

        var single = allocator.TryAllocate("ta-1", "any").Allocation!;
        var pair = allocator.TryAllocate("ta-2", "any:2").Allocation!;
        var blocked = allocator.TryAllocate("ta-3", "any:2");

        Assert.Equal("T4", single.Type);
        Assert.Equal("H100", pair.Type);
        Assert.Equal(GpuPlacementStatus.Wait, blocked.Status);
        Assert.Equal("waiting for 2 free GPUs of one type; T4: 0 of 1 free, L4: 1 of 1 free, H100: 0 of 2 free", blocked.Reason);
    }

    [Fact]
    public void Any_accepts_a_device_the_platform_has_no_type_for()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("RTX"));

        var allocation = allocator.TryAllocate("ta-1", "any").Allocation!;

        Assert.Equal("NVIDIA GeForce RTX 4090", allocation.Type);
        Assert.Equal(GpuPlacementStatus.Unsatisfiable, allocator.TryAllocate("ta-2", "T4").Status);
    }

    [Fact]
    public void A_device_belongs_to_one_container_until_it_is_released()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H100"));
        Assert.Equal(GpuPlacementStatus.Allocated, allocator.TryAllocate("ta-1", "H100").Status);

        var waiting = allocator.TryAllocate("ta-2", "H100");
        Assert.Equal(GpuPlacementStatus.Wait, waiting.Status);
        Assert.Equal("waiting for 1 free H100 (or H200); 0 of 1 free", waiting.Reason);
        Assert.Empty(allocator.FreeDevices);

        Assert.True(allocator.Release("ta-1"));
        Assert.False(allocator.Release("ta-1"));
        Assert.Null(allocator.Find("ta-1"));
        Assert.Single(allocator.FreeDevices);
        Assert.Equal(GpuPlacementStatus.Allocated, allocator.TryAllocate("ta-2", "H100").Status);
    }

    [Fact]
    public void Waiting_lists_every_fallback_the_node_could_serve()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H100", "H100", "A100-80GB"));
        allocator.TryAllocate("a", "H100");
        allocator.TryAllocate("b", "A100-80GB");

        var placement = allocator.TryAllocate("ta-1", "H100:2, A100-80GB, B200");

        Assert.Equal(GpuPlacementStatus.Wait, placement.Status);
        Assert.Equal("waiting for 2 free H100 (or H200); 1 of 2 free; or 1 free A100-80GB; 0 of 1 free", placement.Reason);
    }

    [Fact]
    public void Waiting_counts_h200s_as_able_to_serve_h100()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H100", "H200", "H200"));
        allocator.TryAllocate("a", "H100");
        allocator.TryAllocate("b", "H200");

        var placement = allocator.TryAllocate("ta-1", "H100:2");

        Assert.Equal("waiting for 2 free H100 (or H200); H100: 0 of 1 free, H200: 1 of 2 free", placement.Reason);
    }

    [Fact]
    public void A_request_no_device_could_ever_serve_is_an_error_naming_what_is_there()
    {
        var empty = new GpuAllocator(FakeGpuInventory.Of());
        var small = new GpuAllocator(FakeGpuInventory.Of("T4", "H100", "H100"));

        var none = empty.TryAllocate("ta-1", "H100");
        var tooMany = small.TryAllocate("ta-1", "H100:4, A100-80GB");

        Assert.Equal(GpuPlacementStatus.Unsatisfiable, none.Status);
        Assert.StartsWith("no node offers H100; available: none.", none.Reason, StringComparison.Ordinal);
        Assert.StartsWith("no node offers H100:4 or A100-80GB; available: 1 x T4, 2 x H100.", tooMany.Reason, StringComparison.Ordinal);
        Assert.Contains("Change the function's gpu setting", tooMany.Reason, StringComparison.Ordinal);
        Assert.Null(small.Find("ta-1"));
        Assert.Equal(3, small.FreeDevices.Count);
    }

    [Fact]
    public void CanEverServe_answers_without_allocating()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("A10G"));

        Assert.True(allocator.CanEverServe([new Modal.Rules.GpuRequest("A10G", 1, false)], out var none));
        Assert.Null(none);
        Assert.False(allocator.CanEverServe([new Modal.Rules.GpuRequest("A10G", 2, false)], out var reason));
        Assert.StartsWith("no node offers A10G:2; available: 1 x A10G.", reason, StringComparison.Ordinal);
        Assert.Single(allocator.FreeDevices);
    }

    [Fact]
    public void Environment_names_devices_by_uuid()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("L4", "L4", "L4"));
        allocator.TryAllocate("a", "L4");

        var allocation = allocator.TryAllocate("ta-1", "L4:2").Allocation!;

        Assert.Equal("GPU-1,GPU-2", allocation.Environment[GpuEnvironmentVariables.CudaVisibleDevices]);
        Assert.Equal("GPU-1,GPU-2", allocation.Environment[GpuEnvironmentVariables.NvidiaVisibleDevices]);
        Assert.Equal("GPU-1,GPU-2", allocation.Environment[GpuEnvironmentVariables.Devices]);
        Assert.Equal("2", allocation.Environment[GpuEnvironmentVariables.Count]);
        Assert.Equal("L4", allocation.Environment[GpuEnvironmentVariables.Type]);
        Assert.Equal("GPU-1,GPU-2", allocation.DockerEnvironment[GpuEnvironmentVariables.CudaVisibleDevices]);
        Assert.Equal("GPU-1,GPU-2", allocation.DockerEnvironment[GpuEnvironmentVariables.NvidiaVisibleDevices]);
        Assert.Equal(["GPU-1", "GPU-2"], allocation.DockerDeviceIds);
    }

    [Fact]
    public void Without_uuids_local_workers_get_node_indices_and_containers_get_their_own_numbering()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.WithoutUuids("T4", "T4", "T4"));
        allocator.TryAllocate("a", "T4");

        var allocation = allocator.TryAllocate("ta-1", "T4:2").Allocation!;

        Assert.Equal("1,2", allocation.Environment[GpuEnvironmentVariables.CudaVisibleDevices]);
        Assert.Equal("1,2", allocation.Environment[GpuEnvironmentVariables.NvidiaVisibleDevices]);
        Assert.Equal("0,1", allocation.DockerEnvironment[GpuEnvironmentVariables.CudaVisibleDevices]);
        Assert.Equal("1,2", allocation.DockerEnvironment[GpuEnvironmentVariables.NvidiaVisibleDevices]);
        Assert.Equal(["1", "2"], allocation.DockerDeviceIds);
    }

    [Fact]
    public void A_container_cannot_allocate_twice()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("T4", "T4"));
        allocator.TryAllocate("ta-1", "T4");

        var error = Assert.Throws<InvalidOperationException>(() => allocator.TryAllocate("ta-1", "T4"));

        Assert.Contains("Container ta-1 already holds 1 x T4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_setting_is_rejected_with_the_parser_message()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("T4"));

        var error = Assert.Throws<ArgumentException>(() => allocator.TryAllocate("ta-1", "A10G:5"));

        Assert.Contains("at most 4 A10G", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_allocations_never_share_a_device()
    {
        var allocator = new GpuAllocator(FakeGpuInventory.Of("H100", "H100", "H100", "H100", "H200", "H200", "H200", "H200"));

        var placements = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => allocator.TryAllocate($"ta-{i}", "H100:2"))));

        var granted = placements.Where(p => p.Status == GpuPlacementStatus.Allocated).ToArray();
        Assert.Equal(4, granted.Length);
        Assert.Equal(8, granted.SelectMany(p => p.Allocation!.Devices).Select(d => d.Index).Distinct().Count());
        Assert.All(placements.Where(p => p.Status != GpuPlacementStatus.Allocated), p => Assert.Equal(GpuPlacementStatus.Wait, p.Status));
        Assert.Empty(allocator.FreeDevices);
    }
}
