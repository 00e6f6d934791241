using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Modal.Docker.Tests.Support;
using static Modal.DockerTestApp.DockerTestApp;

namespace Modal.Docker.Tests;

/// <summary>Web endpoints on the Docker backend: the gateway cold-starts a container and forwards to its server.</summary>
[Collection(DockerCollection.Name)]
public sealed class WebTests(DockerAppFixture app)
{
    [Fact]
    public async Task A_web_endpoint_is_served_from_a_container_through_the_gateway()
    {
        var url = new Uri(Functions.Greet.GetWebUrl());
        Assert.EndsWith(".localhost", url.Host, StringComparison.Ordinal);

        // The URL's host name routes the request; the connection itself goes to the gateway on loopback.
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, app.Host.WebBaseAddress.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { Timeout = TimeSpan.FromMinutes(3) };

        using var response = await client.GetAsync(new Uri(url, "/?name=docker"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("hello docker from a container", JsonSerializer.Deserialize<string>(body));

        using var invalid = await client.GetAsync(new Uri(url, "/"));
        Assert.Equal((HttpStatusCode)422, invalid.StatusCode);
        Assert.Contains("name", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
