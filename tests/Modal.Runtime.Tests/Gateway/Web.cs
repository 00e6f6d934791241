using Modal.Manifest;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests.Gateway;

/// <summary>Web function manifests, and the test playing a web container: connected over the ContainerApi and serving HTTP.</summary>
public static class Web
{
    public static FunctionManifest Function(string name = "Hello", int? maxInputs = null, int? maxContainers = null, bool proxyAuth = false, string kind = "app") =>
        Manifests.Function(name) with
        {
            Parameters = [],
            ReturnType = "void",
            Web = new WebManifest { Kind = kind, RequiresProxyAuth = proxyAuth ? true : null },
            Concurrency = maxInputs is { } max ? new ConcurrencyManifest { MaxInputs = max } : null,
            Autoscaler = maxContainers is { } containers ? new AutoscalerManifest { MaxContainers = containers } : null,
        };

    /// <summary>Connects the next container the scheduler starts, then tells the control plane its HTTP server is <paramref name="upstream"/>.</summary>
    public static async Task<TestContainer> ServeNextAsync(TestControlPlane controlPlane, Upstream upstream)
    {
        var container = await controlPlane.ConnectNextContainerAsync(credits: 0);
        // The input stream opens on the server after the call returns; until then the container is still starting, and a
        // test that moves the clock would see it time out its start.
        await GatewayScalingTests.WaitUntilAsync(() =>
            controlPlane.Host.Scheduler.TryGetContainer(container.Spec.TaskId, out var task) && task.Phase == Modal.Scheduling.ContainerPhase.Ready);
        await ReadyAsync(controlPlane, container, upstream);
        return container;
    }

    /// <summary>As <see cref="ServeNextAsync"/>, with a new upstream that also serves web frames on the container's socket.</summary>
    public static async Task<(TestContainer Container, Upstream Upstream)> ServeNextOverSocketAsync(TestControlPlane controlPlane, string name)
    {
        var container = await controlPlane.ConnectNextContainerAsync(credits: 0);
        await GatewayScalingTests.WaitUntilAsync(() =>
            controlPlane.Host.Scheduler.TryGetContainer(container.Spec.TaskId, out var task) && task.Phase == Modal.Scheduling.ContainerPhase.Ready);
        var upstream = await Upstream.StartAsync(name, socketOfTask: container.Spec.TaskId);
        await ReadyAsync(controlPlane, container, upstream);
        return (container, upstream);
    }

    /// <summary>
    /// Tells the control plane that <paramref name="container"/>'s HTTP server is <paramref name="upstream"/>, on its Unix
    /// socket too if it has one, unless <paramref name="reportedSocket"/> names another path.
    /// </summary>
    public static async Task ReadyAsync(TestControlPlane controlPlane, TestContainer container, Upstream upstream, string? reportedSocket = null) =>
        await controlPlane.Containers.ContainerWebReadyAsync(
            new ContainerWebReadyRequest
            {
                TaskId = container.Spec.TaskId,
                Host = "127.0.0.1",
                Port = upstream.Port,
                UnixSocketPath = reportedSocket ?? upstream.UnixSocket ?? "",
            },
            container.Headers);

    /// <summary>A request to the gateway's loopback address that names the endpoint by its Host, as a browser would resolve *.localhost.</summary>
    public static HttpRequestMessage Request(Uri gateway, string endpointUrl, string path = "/", HttpMethod? method = null)
    {
        var url = new Uri(endpointUrl);
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(gateway, path));
        request.Headers.Host = url.Authority;
        return request;
    }

    public static HttpClient Client() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(2) };
}
