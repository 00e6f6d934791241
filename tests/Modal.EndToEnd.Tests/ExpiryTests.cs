using Modal.ControlPlane;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

/// <summary>A control plane whose clock the test can move forward, to reach the 7-day retention of results.</summary>
public sealed class MovableClockFixture : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "modal-e2e-" + Guid.NewGuid().ToString("N")[..12]);
    private ControlPlaneHost? _host;

    public MovableClock Clock { get; } = new();

    public AppRun Run { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { StateDirectory = _stateDirectory, TimeProvider = Clock });
        Run = await ModalApp.RunAsync(AppFixture.CreateRegistry(), new ModalOptions { ServerUrl = _host.Address });
    }

    public async Task DisposeAsync()
    {
        await Run.DisposeAsync();
        await _host!.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    /// <summary>Real time plus an offset: timers keep working while "now" jumps.</summary>
    public sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class ExpiryTests(MovableClockFixture app) : IClassFixture<MovableClockFixture>
{
    [Fact]
    public async Task A_result_older_than_seven_days_raises_OutputExpiredError()
    {
        var call = await Functions.Square.SpawnAsync(6);
        Assert.Equal(36, await call.GetAsync(TimeSpan.FromSeconds(60)));

        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAsync<OutputExpiredError>(() => FunctionCall.FromId<int>(call.ObjectId).GetAsync(TimeSpan.Zero));
        Assert.Contains("7 days", error.Message);
    }
}
