using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class BatchingTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_reference_example_adds_each_pair()
    {
        var sums = await Functions.BatchAdd.StarmapAsync([(1, 300), (2, 200), (3, 100)]).ToListAsync();

        Assert.Equal([301, 202, 103], sums);
    }

    [Fact]
    public async Task Three_inputs_with_a_batch_size_of_two_run_in_two_executions()
    {
        // A full batch runs at once; the partial one runs WaitMs after its input arrived.
        var sizes = await Functions.BatchSize.MapAsync([10, 20, 30]).ToListAsync();

        Assert.Equal([2, 2, 1], sizes);
    }

    [Fact]
    public async Task Callers_in_different_processes_share_a_batch_and_each_get_their_own_result()
    {
        using var helper = HelperProcess.Start(
            new Dictionary<string, string?> { ["MODAL_SERVER_URL"] = app.Run.ServerUrl.ToString() },
            "batch-tag", "from-helper");
        await helper.WaitForLineAsync("CALLING", Scratch.Patience);

        // The batch waits (up to 60 s) until its second input arrives, whichever caller sends it.
        var mine = await Functions.BatchTag.RemoteAsync("from-test");

        Assert.Equal("from-test:2", mine);
        Assert.Equal("from-helper:2", await helper.WaitForLineAsync("RESULT ", Scratch.Patience));
    }

    [Fact]
    public async Task A_batched_method_of_a_class_gets_whole_batches()
    {
        var doubled = await Classes.Doubler.With(offset: 1).Double.MapAsync([1, 2, 3, 4]).ToListAsync();

        // x * 2 + offset, plus 1000 per member of the batch the input ran in: all four arrived together.
        Assert.Equal([4003, 4005, 4007, 4009], doubled);
    }
}
