using System.Globalization;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class StreamingTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_first_item_arrives_before_the_function_finishes()
    {
        Assert.NotNull(app.Run);
        using var scratch = new Scratch();
        var gate = scratch.File("gate");
        await using var items = Functions.Countdown.RemoteGenAsync(3, gate).GetAsyncEnumerator();

        // The function waits for the gate after its first item, so this item can only have come while it runs.
        Assert.True(await items.MoveNextAsync());
        Assert.Equal(3, items.Current);

        await File.WriteAllTextAsync(gate, "go");
        var rest = new List<int>();
        while (await items.MoveNextAsync())
        {
            rest.Add(items.Current);
        }

        Assert.Equal([2, 1, 0], rest);
    }

    [Fact]
    public async Task A_synchronous_generator_streams_what_it_yields()
    {
        Assert.Equal(["to", "be", "streamed"], await Functions.Words.RemoteGenAsync("to be streamed").ToListAsync());
    }

    [Fact]
    public async Task A_slow_consumer_holds_the_producer_back()
    {
        using var scratch = new Scratch();
        var progress = scratch.File("progress");
        await using var items = Functions.Produce.RemoteGenAsync(1_000, progress).GetAsyncEnumerator();
        Assert.True(await items.MoveNextAsync());

        // Not a timing assertion: the pause gives an unchecked producer plenty of time to run through all 1,000 items.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var produced = int.Parse(await Scratch.WaitForFileAsync(progress), CultureInfo.InvariantCulture);
        Assert.True(produced < 200, $"the producer ran {produced} items ahead of a consumer that read 1");

        var count = 1;
        while (await items.MoveNextAsync())
        {
            Assert.Equal(count++, items.Current);
        }

        Assert.Equal(1_000, count);
    }

    [Fact]
    public async Task A_failing_generator_delivers_its_items_then_raises()
    {
        var seen = new List<int>();
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
        {
            await foreach (var item in Functions.Fizzle.RemoteGenAsync())
            {
                seen.Add(item);
            }
        });

        Assert.Equal([1, 2], seen);
        Assert.Contains("fizzled", error.RemoteMessage);
    }
}
