namespace Modal.Worker.Tests;

public sealed class RemoteErrorTests
{
    [Fact]
    public void An_exception_is_reported_with_its_full_type_name_message_trace_and_inner_chain()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("outer", new ArgumentException("inner"));
        }
        catch (Exception ex)
        {
            thrown = ex;
        }

        var error = ContainerWorker.ToRemoteError(thrown);

        Assert.Equal("System.InvalidOperationException", error.Type);
        Assert.Equal("outer", error.Message);
        Assert.Contains(nameof(An_exception_is_reported_with_its_full_type_name_message_trace_and_inner_chain), error.StackTrace);
        Assert.Contains("System.ArgumentException: inner", error.Inner);
    }
}
