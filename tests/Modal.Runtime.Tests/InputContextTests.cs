namespace Modal.Runtime.Tests;

public sealed class InputContextTests
{
    [Fact]
    public void Outside_an_input_there_is_no_context_and_nothing_to_throw()
    {
        Assert.Null(InputContext.Current);
        Assert.Null(InputContext.CurrentInputId);
        InputContext.ThrowIfCancellationRequested();
    }

    [Fact]
    public async Task Each_flow_sees_its_own_input()
    {
        async Task<string?> RunAs(string inputId)
        {
            InputContext.Current = new InputContext(inputId, "fc-1", 0, [inputId], CancellationToken.None, () => false);
            await Task.Yield();
            return InputContext.CurrentInputId;
        }

        var seen = await Task.WhenAll(RunAs("in-a"), RunAs("in-b"));

        Assert.Equal(new string?[] { "in-a", "in-b" }, seen);
        Assert.Null(InputContext.Current);
    }

    [Fact]
    public void A_caller_cancellation_raises_InputCancellation_and_a_timeout_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        var byCaller = true;
        InputContext.Current = new InputContext("in-x", "fc-x", 2, ["in-x"], cts.Token, () => byCaller);
        try
        {
            InputContext.ThrowIfCancellationRequested();
            Assert.Equal(2, InputContext.Current.RetryCount);
            Assert.Equal("fc-x", InputContext.CurrentFunctionCallId);

            cts.Cancel();
            Assert.Contains("in-x", Assert.Throws<InputCancellation>(InputContext.ThrowIfCancellationRequested).Message);

            byCaller = false;
            Assert.Throws<OperationCanceledException>(InputContext.ThrowIfCancellationRequested);
        }
        finally
        {
            InputContext.Current = null;
        }
    }
}
