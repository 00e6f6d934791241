using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class SpawnTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_spawned_call_returns_its_id_at_once_and_its_result_later()
    {
        var call = await Functions.Square.SpawnAsync(9);

        Assert.StartsWith("fc-", call.ObjectId);
        Assert.Equal(81, await call.GetAsync(Patience));
        // The result stays readable, by anyone holding the id.
        Assert.Equal(81, await FunctionCall.FromId<int>(call.ObjectId).GetAsync(Patience));
    }

    [Fact]
    public async Task Polling_an_unfinished_call_with_a_zero_timeout_raises_TimeoutException()
    {
        var call = await Functions.Sleep.SpawnAsync(3_000);

        await Assert.ThrowsAsync<TimeoutException>(() => call.GetAsync(TimeSpan.Zero));
        await Assert.ThrowsAsync<TimeoutException>(() => call.GetAsync(TimeSpan.FromMilliseconds(200)));
        await call.GetAsync(Patience);
    }

    [Fact]
    public async Task A_spawned_failure_is_raised_by_get()
    {
        var call = await Functions.Fail.SpawnAsync("spawned-boom");

        var error = await Assert.ThrowsAsync<RemoteException>(() => call.GetAsync(Patience));
        Assert.Contains("spawned-boom", error.RemoteMessage);
    }

    [Fact]
    public async Task An_unknown_call_id_is_not_found()
    {
        await Assert.ThrowsAsync<NotFoundError>(() => FunctionCall.FromId<int>("fc-doesnotexist").GetAsync(TimeSpan.Zero));
        Assert.Throws<InvalidError>(() => FunctionCall.FromId<int>("in-123"));
    }

    [Fact]
    public async Task Another_process_reads_a_spawned_result_given_only_the_id_and_the_server_url()
    {
        var call = await Functions.Square.SpawnAsync(12);

        using var helper = HelperProcess.Start(
            new Dictionary<string, string?> { ["MODAL_SERVER_URL"] = app.Run.ServerUrl.ToString() },
            "get", call.ObjectId);

        Assert.Equal("144", await helper.WaitForLineAsync("RESULT ", Patience));
        Assert.Equal(0, await helper.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task Spawn_map_returns_once_every_input_is_accepted()
    {
        var before = DateTime.UtcNow;
        await Functions.Sleep.SpawnMapAsync([1_500, 1_500, 1_500, 1_500]);

        // Accepting is not running: four 1.5 s inputs on at most two containers take well over 1.5 s to finish.
        Assert.True(DateTime.UtcNow - before < TimeSpan.FromSeconds(30));
    }
}
