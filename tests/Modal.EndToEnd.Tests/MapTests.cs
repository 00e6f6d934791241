using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class MapTests(AppFixture app) : IClassFixture<AppFixture>
{
    private readonly AppFixture _app = app;

    [Fact]
    public async Task A_map_of_1000_inputs_yields_every_result_in_input_order()
    {
        var results = await Functions.Square.MapAsync(Enumerable.Range(0, 1000)).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * i), results);
    }

    [Fact]
    public async Task An_unordered_map_yields_every_result_exactly_once()
    {
        var results = await Functions.Square.MapAsync(Enumerable.Range(0, 1000), orderOutputs: false).ToListAsync();

        Assert.Equal(1000, results.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * i).ToHashSet(), results.ToHashSet());
    }

    [Fact]
    public async Task A_map_over_an_asynchronous_source_takes_inputs_as_they_come()
    {
        static async IAsyncEnumerable<int> Slowly()
        {
            for (var i = 0; i < 20; i++)
            {
                if (i % 5 == 0)
                {
                    await Task.Delay(20);
                }

                yield return i;
            }
        }

        var results = await Functions.Square.MapAsync(Slowly()).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * i), results);
    }

    [Fact]
    public async Task Starmap_spreads_each_tuple_over_the_parameters()
    {
        var results = await Functions.Add.StarmapAsync([(1, 2), (10, 20), (100, 200)]).ToListAsync();

        Assert.Equal([3, 30, 300], results);
    }

    [Fact]
    public async Task A_map_of_nothing_yields_nothing()
    {
        Assert.Empty(await Functions.Square.MapAsync(Array.Empty<int>()).ToListAsync());
    }

    [Fact]
    public async Task A_map_throws_the_first_failure()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
        {
            await foreach (var _ in Functions.Fail.MapAsync(["m-1", "m-2"]))
            {
            }
        });

        Assert.Equal("System.InvalidOperationException", error.RemoteType);
    }

    [Fact]
    public async Task With_return_exceptions_failures_come_back_as_values_in_order()
    {
        var results = await Functions.Fail.MapAsync(["r-0", "r-1", "r-2"], returnExceptions: true).ToListAsync();

        Assert.Equal(3, results.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.False(results[i].IsSuccess);
            var remote = Assert.IsType<RemoteException>(results[i].Exception);
            Assert.Equal("System.InvalidOperationException", remote.RemoteType);
            Assert.Contains($"r-{i}", remote.RemoteMessage);
        }

        var ok = await Functions.Square.MapAsync([3, 4], returnExceptions: true).ToListAsync();
        Assert.Equal([9, 16], ok.Select(r => r.Value));
        Assert.NotNull(_app.Run);
    }
}
