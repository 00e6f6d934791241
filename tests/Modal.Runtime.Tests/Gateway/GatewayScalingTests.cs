using System.Net;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests.Gateway;

public sealed class GatewayScalingTests
{
    [Fact]
    public async Task A_cold_endpoint_starts_a_container_on_the_first_request_which_waits_for_it()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello"));
        await using var upstream = await Upstream.StartAsync("warm now");
        using var client = Web.Client();
        Assert.Empty(controlPlane.Backend.Starts);

        var response = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Hello"]));
        var spec = await controlPlane.Backend.NextStartAsync();
        // The container says hello and opens its input stream, but the request still waits until its server is ready.
        await using var container = await TestContainer.ConnectAsync(controlPlane.Containers, spec, credits: 0);
        Assert.False(response.IsCompleted);
        await controlPlane.Containers.ContainerWebReadyAsync(
            new Protocol.ContainerWebReadyRequest { TaskId = spec.TaskId, Host = "127.0.0.1", Port = upstream.Port }, container.Headers);

        using var answered = await response;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("warm now", await answered.Content.ReadAsStringAsync());
        Assert.Single(controlPlane.Backend.Starts);
    }

    [Fact]
    public async Task A_container_takes_as_many_concurrent_requests_as_its_max_inputs_and_more_wait()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello", maxInputs: 2, maxContainers: 1));
        await using var upstream = await Upstream.StartAsync("slots");
        using var client = Web.Client();
        var url = created.WebUrls["Hello"];

        var first = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url, "/slow"));
        await using var container = await Web.ServeNextAsync(controlPlane, upstream);
        var second = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url, "/slow"));
        Assert.Equal(1, await upstream.SlowArrivals.Reader.ReadAsync(TestControlPlane.Deadline));
        Assert.Equal(2, await upstream.SlowArrivals.Reader.ReadAsync(TestControlPlane.Deadline));

        // Both slots are taken: a third request queues at the gateway instead of reaching the container.
        var third = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url, "/slow"));
        var function = controlPlane.Host.Scheduler.GetFunctionById(created.FunctionIds["Hello"]);
        await WaitUntilAsync(() => function.WebCounts() == (1, 2));
        Assert.False(third.IsCompleted);
        Assert.False(upstream.SlowArrivals.Reader.TryPeek(out _));

        upstream.Release.SetResult();
        foreach (var response in await Task.WhenAll(first, second, third))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.Equal(2, upstream.MaxConcurrent);
        Assert.Single(controlPlane.Backend.Starts);
    }

    [Fact]
    public async Task Queued_requests_scale_the_pool_up_like_pending_inputs()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello", maxContainers: 3));
        await using var upstream = await Upstream.StartAsync("pool");
        using var client = Web.Client();
        var url = created.WebUrls["Hello"];

        var requests = Enumerable.Range(0, 3).Select(_ => client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url, "/slow"))).ToList();
        var containers = new List<TestContainer>();
        for (var i = 0; i < 3; i++)
        {
            containers.Add(await Web.ServeNextAsync(controlPlane, upstream));
        }

        for (var i = 0; i < 3; i++)
        {
            await upstream.SlowArrivals.Reader.ReadAsync(TestControlPlane.Deadline);
        }

        upstream.Release.SetResult();
        foreach (var response in await Task.WhenAll(requests))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.Equal(3, controlPlane.Backend.Starts.Count);
        foreach (var container in containers)
        {
            await container.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_container_serving_a_request_is_not_scaled_down()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        // Liveness is not under test: heartbeats may go unanswered for the hours this test moves the clock by.
        await using var controlPlane = await TestControlPlane.StartAsync(time, configure: o => o with
        {
            ContainerHeartbeatTimeout = TimeSpan.FromDays(1),
            AppHeartbeatTimeout = TimeSpan.FromDays(1),
        });
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello"));
        await using var upstream = await Upstream.StartAsync("busy");
        using var client = Web.Client();

        var response = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Hello"], "/slow"));
        await using var container = await Web.ServeNextAsync(controlPlane, upstream);
        await upstream.SlowArrivals.Reader.ReadAsync(TestControlPlane.Deadline);
        time.Advance(TimeSpan.FromMinutes(10));
        await controlPlane.Host.Scheduler.RunMaintenanceAsync(CancellationToken.None);

        Assert.Empty(controlPlane.Backend.Stops);
        upstream.Release.SetResult();
        using var answered = await response;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        // Idle now: past the scale-down window it goes.
        await WaitUntilAsync(() => !controlPlane.Host.Scheduler.GetFunctionById(created.FunctionIds["Hello"]).HasWebWork);
        time.Advance(TimeSpan.FromMinutes(10));
        await controlPlane.Host.Scheduler.RunMaintenanceAsync(CancellationToken.None);
        Assert.Contains(container.Spec.TaskId, controlPlane.Backend.Stops);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
