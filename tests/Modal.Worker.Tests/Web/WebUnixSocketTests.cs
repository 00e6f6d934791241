using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Modal.Manifest;
using Modal.Worker.Web;

namespace Modal.Worker.Tests.Web;

public sealed class WebUnixSocketTests
{
    [Fact]
    public async Task An_endpoint_also_serves_http2_on_its_unix_socket_and_http1_on_tcp()
    {
        var directory = Directory.CreateTempSubdirectory("mw");
        var path = Path.Combine(directory.FullName, "http.sock");
        var function = WebHostHarness.Function(typeof(EndpointFunctions), nameof(EndpointFunctions.Greet), new WebManifest { Kind = "endpoint", Method = "GET" });
        await using var host = function.CreateHost(new WebHostOptions(_ => { }, UnixSocketPath: path));
        try
        {
            using var timeout = new CancellationTokenSource(WebHostHarness.Generous);
            var endpoint = await host.StartAsync(timeout.Token);
            Assert.Equal(path, host.UnixSocketPath);

            using var overSocket = new HttpClient(new SocketsHttpHandler { ConnectCallback = (_, token) => ConnectAsync(path, token) })
            {
                BaseAddress = new Uri($"http://{endpoint}/"),
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Timeout = WebHostHarness.Generous,
            };
            using var response = await overSocket.GetAsync("?name=ada", timeout.Token);
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.Equal("hello ada", await response.Content.ReadFromJsonAsync<string>(timeout.Token));

            using var overTcp = new HttpClient { BaseAddress = new Uri($"http://{endpoint}/"), Timeout = WebHostHarness.Generous };
            using var tcp = await overTcp.GetAsync("?name=bob", timeout.Token);
            Assert.Equal(HttpVersion.Version11, tcp.Version);
            Assert.Equal("hello bob", await tcp.Content.ReadFromJsonAsync<string>(timeout.Token));
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async ValueTask<Stream> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
