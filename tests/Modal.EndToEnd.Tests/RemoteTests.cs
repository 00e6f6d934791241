using Modal.TestApp;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class RemoteTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Remote_runs_the_function_in_a_worker_and_returns_its_result()
    {
        Assert.Equal(49, await Functions.Square.RemoteAsync(7));
        Assert.Equal(5, await Functions.Add.RemoteAsync(2, 3));
        Assert.Equal("héllo", await Functions.EchoAsync.RemoteAsync("héllo"));
        Assert.StartsWith("ap-", app.Run.AppId);
    }

    [Fact]
    public async Task Remote_carries_user_types_with_generated_formatters()
    {
        var greeting = await Functions.Greet.RemoteAsync(new Person("Ada", 36, new Address("London")));
        Assert.Contains("Ada", greeting);
    }

    [Fact]
    public async Task An_exception_in_the_function_reaches_the_caller_with_type_message_and_remote_trace()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(() => Functions.Fail.RemoteAsync("boom-42"));

        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Contains("boom-42", error.RemoteMessage);
        Assert.Contains("Fail", error.RemoteStackTrace);
        Assert.Equal("Fail", error.FunctionName);
        Assert.StartsWith("in-", error.InputId);
        Assert.Contains("System.InvalidOperationException", error.Message);
    }

    [Fact]
    public async Task Payloads_over_2_MiB_travel_through_the_blob_store_both_ways()
    {
        const int size = (2 * 1024 * 1024) + 123_457;

        var produced = await Functions.Blob.RemoteAsync(size);
        Assert.Equal(size, produced.Length);

        var sent = new byte[size];
        new Random(7).NextBytes(sent);
        Assert.Equal(sent.Sum(b => (long)b), await Functions.SumBytes.RemoteAsync(sent));

        // Both directions at once: a large argument into a map, large results out of it.
        var results = await Functions.Blob.MapAsync([size, 10]).ToListAsync();
        Assert.Equal([size, 10], results.Select(r => r.Length));
    }

    [Fact]
    public async Task Cancelling_a_remote_call_stops_waiting_for_it()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Functions.Sleep.RemoteAsync(20_000, cts.Token));
    }
}
