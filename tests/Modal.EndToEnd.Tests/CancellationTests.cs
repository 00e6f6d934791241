using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class CancellationTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task CancelAsync_stops_an_async_function_through_its_token()
    {
        Assert.NotNull(app.Run);
        using var scratch = new Scratch();
        var marker = scratch.File("async");
        var call = await Functions.AwaitCancel.SpawnAsync(marker);
        await Scratch.WaitForFileAsync(marker + ".started");

        await call.CancelAsync();

        await Assert.ThrowsAsync<InputCancellation>(() => call.GetAsync(Scratch.Patience));
        Assert.Contains("Canceled", await Scratch.WaitForFileAsync(marker));
    }

    [Fact]
    public async Task A_synchronous_function_gets_InputCancellation()
    {
        using var scratch = new Scratch();
        var marker = scratch.File("sync");
        var call = await Functions.SpinUntilCancelled.SpawnAsync(marker);
        await Scratch.WaitForFileAsync(marker + ".started");

        await call.CancelAsync();

        await Assert.ThrowsAsync<InputCancellation>(() => call.GetAsync(Scratch.Patience));
        Assert.Equal(typeof(InputCancellation).FullName, await Scratch.WaitForFileAsync(marker));
    }

    [Fact]
    public async Task The_token_passed_to_remote_cancels_the_input_in_its_container()
    {
        using var scratch = new Scratch();
        var marker = scratch.File("token");
        using var cts = new CancellationTokenSource();
        var remote = Functions.AwaitCancel.RemoteAsync(marker, cts.Token);
        await Scratch.WaitForFileAsync(marker + ".started");

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => remote);
        Assert.Contains("Canceled", await Scratch.WaitForFileAsync(marker));
    }

    [Fact]
    public async Task Cancelling_a_synchronous_concurrent_input_terminates_its_container_and_reschedules_the_others()
    {
        using var scratch = new Scratch();
        var cancelled = await Functions.Block.SpawnAsync(120_000, scratch.File("cancelled"));
        var container = await Scratch.WaitForFileAsync(scratch.File("cancelled"));
        var bystander = await Functions.Block.SpawnAsync(3_000, scratch.File("bystander"));
        Assert.Equal(container, await Scratch.WaitForFileAsync(scratch.File("bystander")));

        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<InputCancellation>(() => cancelled.GetAsync(Scratch.Patience));
        // The bystander ran again, to completion, on another container.
        Assert.NotEqual(container, await bystander.GetAsync(Scratch.Patience));
    }

    [Fact]
    public async Task CancelAsync_with_terminateContainers_stops_the_container_running_the_input()
    {
        using var scratch = new Scratch();
        var marker = scratch.File("terminate");
        var call = await Functions.AwaitCancel.SpawnAsync(marker);
        await Scratch.WaitForFileAsync(marker + ".started");

        await call.CancelAsync(terminateContainers: true);

        await Assert.ThrowsAsync<InputCancellation>(() => call.GetAsync(Scratch.Patience));
        Assert.Equal(49, await Functions.Square.RemoteAsync(7));
    }
}
