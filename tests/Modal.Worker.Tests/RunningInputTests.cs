using Modal.Protocol;

namespace Modal.Worker.Tests;

public sealed class RunningInputTests
{
    private static ContainerInput Input(string id) => new() { InputId = id, FunctionCallId = "fc-1" };

    [Fact]
    public void A_unit_completes_once_and_each_input_is_reported_once()
    {
        using var batch = new RunningInput([Input("in-a"), Input("in-b")]);

        Assert.Equal("in-a", batch.Input.InputId);
        Assert.Equal(1, batch.IndexOf("in-b"));
        Assert.Equal(-1, batch.IndexOf("in-z"));

        // A cancelled member is reported early; the batch's own completion then reports only the other one.
        Assert.True(batch.TryClaimReport(1));
        Assert.False(batch.AllReported);
        Assert.True(batch.TryComplete());
        Assert.False(batch.TryComplete());
        Assert.True(batch.TryClaimReport(0));
        Assert.False(batch.TryClaimReport(1));
        Assert.True(batch.AllReported);
    }

    [Fact]
    public void A_server_cancellation_is_told_apart_from_a_timeout()
    {
        using var timedOut = new RunningInput(Input("in-t"));
        timedOut.Cancellation.Cancel();
        Assert.False(timedOut.CancelledByServer);

        using var cancelled = new RunningInput(Input("in-c"));
        cancelled.CancelByServer();
        Assert.True(cancelled.CancelledByServer);
        Assert.True(cancelled.Cancellation.IsCancellationRequested);
    }
}
