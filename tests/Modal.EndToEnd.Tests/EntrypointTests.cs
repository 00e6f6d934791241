using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class EntrypointTests : IDisposable
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "modal-e2e-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task An_entrypoint_that_succeeds_exits_0_and_stops_its_app()
    {
        AppRun? during = null;
        var code = await ModalApp.RunEntrypointAsync(
            AppFixture.CreateRegistry(),
            async ct =>
            {
                during = AppRun.Current;
                Assert.Equal(16, await Functions.Square.RemoteAsync(4, ct));
            },
            new ModalOptions { StateDirectory = _stateDirectory });

        Assert.Equal(0, code);
        Assert.NotNull(during);
        Assert.Null(AppRun.Current);
    }

    [Fact]
    public async Task An_entrypoint_that_fails_exits_1_and_prints_the_remote_trace()
    {
        var original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        int code;
        try
        {
            code = await ModalApp.RunEntrypointAsync(
                AppFixture.CreateRegistry(),
                ct => Functions.Fail.RemoteAsync("entry-boom", ct),
                new ModalOptions { StateDirectory = _stateDirectory });
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(1, code);
        var text = captured.ToString();
        Assert.Contains("System.InvalidOperationException: entry-boom", text);
        Assert.Contains("Remote stack trace", text);
        Assert.Contains("Fail", text);
    }

    public void Dispose()
    {
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }
}
