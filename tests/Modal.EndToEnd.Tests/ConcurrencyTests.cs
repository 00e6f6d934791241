using System.Diagnostics;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class ConcurrencyTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_hundred_async_inputs_of_one_second_share_about_one_container()
    {
        Assert.NotNull(app.Run);
        var watch = Stopwatch.StartNew();

        var containers = await Functions.NapAsync.MapAsync(Enumerable.Repeat(1_000, 100)).ToListAsync();

        Assert.Equal(100, containers.Count);
        Assert.True(containers.Distinct().Count() <= 2, $"{containers.Distinct().Count()} containers served the inputs");
        // About 1 s on an idle machine; the bound only rules out running them one after another (100 s).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Synchronous_concurrent_inputs_run_on_threads_of_one_container()
    {
        var watch = Stopwatch.StartNew();

        var containers = await Functions.Nap.MapAsync(Enumerable.Repeat(1_000, 40)).ToListAsync();

        Assert.Equal(40, containers.Count);
        Assert.True(containers.Distinct().Count() <= 2, $"{containers.Distinct().Count()} containers served the inputs");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }
}
