using System.Net;
using System.Net.WebSockets;
using Grpc.Core;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests.Gateway;

public sealed class GatewayUnixSocketTests
{
    [Fact]
    public async Task A_container_that_reports_a_unix_socket_gets_requests_over_it_in_web_frames_with_the_usual_headers()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello"));
        using var client = Web.Client();
        var request = Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Hello"]);
        request.Headers.Add("Modal-Key", "wk-x");
        request.Headers.Add("Modal-Secret", "ws-y");
        var response = client.SendAsync(request);
        await using var container = await controlPlane.ConnectNextContainerAsync(credits: 0);
        await using var upstream = await Upstream.StartAsync("hello", socketOfTask: container.Spec.TaskId);
        await Web.ReadyAsync(controlPlane, container, upstream);

        using var answered = await response;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("hello", await answered.Content.ReadAsStringAsync());
        // The TCP listener of the same server would have seen HTTP/1.1.
        Assert.Equal("frames", upstream.LastProtocol);
        var headers = upstream.LastHeaders!;
        Assert.Equal($"127.0.0.1:{upstream.Port}", headers["Host"]);
        Assert.False(headers.ContainsKey("Modal-Key"));
        Assert.False(headers.ContainsKey("Modal-Secret"));
        Assert.Equal(new Uri(created.WebUrls["Hello"]).Authority, headers["X-Forwarded-Host"]);
        Assert.StartsWith("in-", headers["x-modal-request-id"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_stream_over_the_socket_and_a_websocket_still_goes_over_tcp()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Both", maxInputs: 4));
        using var client = Web.Client();
        var sending = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Both"], "/sse"), HttpCompletionOption.ResponseHeadersRead);
        await using var container = await controlPlane.ConnectNextContainerAsync(credits: 0);
        await using var upstream = await Upstream.StartAsync("both", socketOfTask: container.Spec.TaskId);
        await Web.ReadyAsync(controlPlane, container, upstream);

        using (var response = await sending)
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal("data: first", await reader.ReadLineAsync(TestControlPlane.Deadline));
            Assert.False(upstream.FirstEventSeen.Task.IsCompleted);
            upstream.FirstEventSeen.SetResult();
            Assert.Equal("", await reader.ReadLineAsync(TestControlPlane.Deadline));
            Assert.Equal("data: last", await reader.ReadLineAsync(TestControlPlane.Deadline));
            Assert.Equal("frames", upstream.LastProtocol);
        }

        // Web frames carry no upgrades, so a WebSocket that reached the socket would fail.
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Host", new Uri(created.WebUrls["Both"]).Authority);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{controlPlane.Host.WebBaseAddress.Port}/ws"), TestControlPlane.Deadline);
        await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, TestControlPlane.Deadline);
        var buffer = new byte[16];
        var result = await socket.ReceiveAsync(buffer, TestControlPlane.Deadline);
        Assert.Equal("ping", System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", TestControlPlane.Deadline);
    }

    [Fact]
    public async Task A_body_larger_than_the_stream_window_streams_over_the_socket()
    {
        const int size = 32 * 1024 * 1024;
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Upload"));
        using var client = Web.Client();
        var request = Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Upload"], "/upload", HttpMethod.Post);
        request.Content = new StreamContent(new MemoryStream(new byte[size]));
        var response = client.SendAsync(request);
        await using var container = await controlPlane.ConnectNextContainerAsync(credits: 0);
        await using var upstream = await Upstream.StartAsync("upload", socketOfTask: container.Spec.TaskId);
        await Web.ReadyAsync(controlPlane, container, upstream);

        using var answered = await response;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), await answered.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_socket_path_this_machine_does_not_have_leaves_the_container_on_tcp()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello"));
        await using var upstream = await Upstream.StartAsync("hello");
        using var client = Web.Client();
        var response = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Hello"]));
        await using var container = await controlPlane.ConnectNextContainerAsync(credits: 0);
        // What a container with a file system of its own (Docker) reports: a path of its own form that is not here.
        var elsewhere = Modal.Gateway.WebFrameSocketPath.PathFor(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), container.Spec.TaskId);
        await Web.ReadyAsync(controlPlane, container, upstream, reportedSocket: elsewhere);

        using var answered = await response;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("HTTP/1.1", upstream.LastProtocol);
    }

    [Fact]
    public async Task A_socket_path_not_of_the_tasks_own_form_is_an_invalid_error()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello"));
        await controlPlane.Host.Scheduler.WarmWebAsync(controlPlane.Host.Scheduler.GetFunctionById(created.FunctionIds["Hello"]));
        await using var container = await controlPlane.ConnectNextContainerAsync(credits: 0);

        // Relative; another service's socket; another task's.
        foreach (var path in new[] { $"modal-web-{container.Spec.TaskId}/web.sock", "/var/run/docker.sock", "/tmp/modal-web-ta-other/web.sock" })
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await controlPlane.Containers.ContainerWebReadyAsync(
                new ContainerWebReadyRequest { TaskId = container.Spec.TaskId, Host = "127.0.0.1", Port = 8000, UnixSocketPath = path },
                container.Headers));

            Assert.Equal("InvalidError", TestControlPlane.ErrorClass(error));
            Assert.Contains(path, error.Status.Detail, StringComparison.Ordinal);
        }
    }
}
