using System.Net;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests.Gateway;

/// <summary>[WebServer(port)]: with host networking a port serves one container per node.</summary>
public sealed class WebServerPortTests
{
    [Fact]
    public async Task A_web_server_function_never_runs_more_than_one_container_and_queues_the_rest()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var server = Web.Function("Files", maxContainers: 5, kind: "server") with { Web = new Manifest.WebManifest { Kind = "server", Port = 18089 } };
        var created = await controlPlane.CreateAppAsync(server);
        await using var upstream = await Upstream.StartAsync("files");
        using var client = Web.Client();

        var requests = Enumerable.Range(0, 3).Select(_ => client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Files"], "/slow"))).ToList();
        await using var container = await Web.ServeNextAsync(controlPlane, upstream);
        await upstream.SlowArrivals.Reader.ReadAsync(TestControlPlane.Deadline);
        var function = controlPlane.Host.Scheduler.GetFunctionById(created.FunctionIds["Files"]);
        await GatewayScalingTests.WaitUntilAsync(() => function.WebCounts() == (2, 1));
        await controlPlane.Host.Scheduler.RunMaintenanceAsync(CancellationToken.None);

        Assert.Single(controlPlane.Backend.Starts);
        upstream.Release.SetResult();
        foreach (var response in await Task.WhenAll(requests))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.Single(controlPlane.Backend.Starts);
    }

    [Fact]
    public async Task A_container_for_a_port_another_container_holds_starts_only_when_that_one_exits()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var server = Web.Function("Files", kind: "server") with { Web = new Manifest.WebManifest { Kind = "server", Port = 18090 }, Autoscaler = new Manifest.AutoscalerManifest { MinContainers = 1 } };
        await controlPlane.CreateAppAsync(server);
        var first = await controlPlane.Backend.NextStartAsync();
        var second = await controlPlane.Api.AppCreateAsync(new AppCreateRequest
        {
            Name = "other-app",
            State = AppState.Ephemeral,
            ArtifactDir = controlPlane.Artifacts.Path,
            AssemblyFile = "TestApp.dll",
            ManifestJson = Manifests.App("other-app", server).ToJson(),
        });

        await controlPlane.Host.Scheduler.RunMaintenanceAsync(CancellationToken.None);
        Assert.Single(controlPlane.Backend.Starts);
        controlPlane.Backend.Exit(first.TaskId, 0);

        var next = await controlPlane.Backend.NextStartAsync();
        Assert.Equal(second.AppId, next.AppId);
    }
}
