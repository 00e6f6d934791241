using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class TimeoutTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task An_input_past_its_timeout_reaches_the_caller_as_FunctionTimeoutError()
    {
        Assert.NotNull(app.Run);

        var error = await Assert.ThrowsAsync<FunctionTimeoutError>(() => Functions.Patient.RemoteAsync(30_000));

        Assert.Contains("timeout", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_container_whose_code_ignores_its_timeout_is_replaced()
    {
        var before = await Functions.Stubborn.RemoteAsync(10);

        await Assert.ThrowsAsync<FunctionTimeoutError>(() => Functions.Stubborn.RemoteAsync(120_000));

        // The stuck thread cannot be stopped, so its container went away; the next input gets a fresh one.
        var after = await Functions.Stubborn.RemoteAsync(10);
        Assert.NotEqual(before, after);
    }
}
