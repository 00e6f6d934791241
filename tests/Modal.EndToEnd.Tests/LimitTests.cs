using Modal.ControlPlane;
using Modal.Scheduling;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

/// <summary>A control plane with tiny queues, started on its own and joined through <see cref="ModalOptions.ServerUrl"/>.</summary>
public sealed class SmallQueueFixture : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "modal-e2e-" + Guid.NewGuid().ToString("N")[..12]);
    private ControlPlaneHost? _host;

    public AppRun Run { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions
        {
            StateDirectory = _stateDirectory,
            DefaultMaxContainers = 1,
            QueueLimits = QueueLimits.Default with { MaxPending = 2 },
        });
        Run = await ModalApp.RunAsync(AppFixture.CreateRegistry(), new ModalOptions { ServerUrl = _host.Address });
    }

    public async Task DisposeAsync()
    {
        await Run.DisposeAsync();
        await _host!.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class LimitTests(SmallQueueFixture app) : IClassFixture<SmallQueueFixture>
{
    [Fact]
    public async Task A_remote_call_past_the_pending_limit_raises_ResourceExhaustedError()
    {
        Assert.NotNull(app.Run);

        // One container runs one input at a time and two may wait, so most of eight simultaneous calls are refused.
        var calls = Enumerable.Range(0, 8).Select(_ => Functions.Sleep.RemoteAsync(1_500)).ToList();
        var outcomes = new List<Exception?>();
        foreach (var call in calls)
        {
            try
            {
                await call;
                outcomes.Add(null);
            }
            catch (Exception ex)
            {
                outcomes.Add(ex);
            }
        }

        Assert.Contains(outcomes, o => o is null);
        var refused = outcomes.OfType<ResourceExhaustedError>().ToList();
        Assert.NotEmpty(refused);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<ResourceExhaustedError>(o));
        Assert.All(refused, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }
}
