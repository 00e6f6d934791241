using Google.Protobuf;
using Grpc.Core;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

/// <summary>Streamed generator items: the window that holds a producer back, and the RPCs that carry them.</summary>
public sealed class GeneratorStreamTests
{
    private static GeneratorItem Item(long index) => new() { Index = index, Value = new Payload { Inline = ByteString.CopyFrom([(byte)index]) } };

    private static List<GeneratorItem> Items(long from, int count) => Enumerable.Range(0, count).Select(i => Item(from + i)).ToList();

    [Fact]
    public async Task A_producer_waits_once_the_window_is_full_until_the_reader_acknowledges()
    {
        var buffer = new GeneratorBuffer();
        Assert.True(await buffer.PutAsync(Items(0, GeneratorBuffer.WindowItems), CancellationToken.None));

        var blocked = buffer.PutAsync([Item(GeneratorBuffer.WindowItems)], CancellationToken.None);
        await Task.Delay(100);
        Assert.False(blocked.IsCompleted);

        var (items, done) = await buffer.TakeAsync(0, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(GeneratorBuffer.WindowItems, items.Count);
        Assert.False(done);
        Assert.False(blocked.IsCompleted);

        // Asking for the next index acknowledges the first ten, which makes room.
        (items, _) = await buffer.TakeAsync(10, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(10, items[0].Index);
        Assert.True(await blocked.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Resent_items_are_skipped_and_the_end_comes_after_the_last_item()
    {
        var buffer = new GeneratorBuffer();
        await buffer.PutAsync(Items(0, 3), CancellationToken.None);
        await buffer.PutAsync(Items(1, 3), CancellationToken.None);
        buffer.Complete();

        var (items, done) = await buffer.TakeAsync(0, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal([0L, 1, 2, 3], items.Select(i => i.Index));
        Assert.False(done);

        (items, done) = await buffer.TakeAsync(4, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Empty(items);
        Assert.True(done);
    }

    [Fact]
    public async Task A_reader_waiting_for_items_gets_nothing_back_after_its_wait_and_a_stopped_stream_stops_the_producer()
    {
        var buffer = new GeneratorBuffer();
        var (items, done) = await buffer.TakeAsync(0, TimeSpan.FromMilliseconds(50), CancellationToken.None);
        Assert.Empty(items);
        Assert.False(done);

        await buffer.PutAsync(Items(0, GeneratorBuffer.WindowItems), CancellationToken.None);
        var blocked = buffer.PutAsync([Item(GeneratorBuffer.WindowItems)], CancellationToken.None);
        buffer.Stop();

        Assert.False(await blocked.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(await buffer.PutAsync([Item(0)], CancellationToken.None));
    }

    [Fact]
    public async Task Items_travel_from_the_container_to_the_caller_and_the_call_ends_with_the_output()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function("Tokens") with { IsGenerator = true });
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = app.FunctionIds["Tokens"],
            CallType = FunctionCallType.Unary,
            InvocationType = FunctionCallInvocationType.Sync,
            PipelinedInputs = { Inputs.Input(0) },
            InputsComplete = true,
        });
        await using var container = await plane.ConnectNextContainerAsync();
        var input = await container.NextInputAsync();

        var put = new ContainerPutGeneratorItemsRequest { TaskId = container.Spec.TaskId, InputId = input.InputId, RetryCount = 0, Items = { Items(0, 2) } };
        Assert.False((await plane.Containers.ContainerPutGeneratorItemsAsync(put, container.Headers)).Stop);

        var first = await plane.Api.FunctionGetGeneratorItemsAsync(new FunctionGetGeneratorItemsRequest { FunctionCallId = map.FunctionCallId, NextIndex = 0 });
        Assert.Equal([0L, 1], first.Items.Select(i => i.Index));

        await container.SucceedAsync(input, [0xc0]);
        var last = await plane.Api.FunctionGetGeneratorItemsAsync(new FunctionGetGeneratorItemsRequest { FunctionCallId = map.FunctionCallId, NextIndex = 2 });
        Assert.Empty(last.Items);
        Assert.True(last.Done);
    }

    [Fact]
    public async Task A_generator_cannot_be_spawned_or_mapped()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function("Tokens") with { IsGenerator = true });

        foreach (var (callType, invocation) in new[] { (FunctionCallType.Unary, FunctionCallInvocationType.Async), (FunctionCallType.Map, FunctionCallInvocationType.Sync) })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionMapAsync(new FunctionMapRequest
            {
                FunctionId = app.FunctionIds["Tokens"],
                CallType = callType,
                InvocationType = invocation,
                PipelinedInputs = { Inputs.Input(0) },
                InputsComplete = true,
            }).ResponseAsync);
            Assert.Equal("InvalidError", TestControlPlane.ErrorClass(error));
            Assert.Contains("RemoteGenAsync", error.Status.Detail);
        }
    }
}
