using System.Net;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests.Web;

/// <summary>
/// The gateway with real worker processes on an embedded control plane: a cold [WebServer] endpoint starts its
/// container on the first request, which waits for it; URLs come from the handle and from Function.FromName.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GatewayEndToEndTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_cold_web_server_starts_on_the_first_request_and_answers_through_the_gateway()
    {
        var url = Functions.GatewayEcho.GetWebUrl();
        var gateway = app.Run.EmbeddedHost!.WebBaseAddress;
        Assert.Equal($"http://default--testapp-gatewayecho-dev.localhost:{gateway.Port}", url);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(3) };

        using var request = new HttpRequestMessage(HttpMethod.Get, gateway);
        request.Headers.Host = new Uri(url).Authority;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"for {new Uri(url).Authority}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_web_url_comes_from_the_handle_and_from_a_lookup_by_name_and_a_plain_function_has_none()
    {
        var url = Functions.GatewayEcho.GetWebUrl();

        Assert.Equal(url, await Functions.GatewayEcho.GetWebUrlAsync());
        Assert.Equal(url, await Function.FromName<string>("testapp", "GatewayEcho").GetWebUrlAsync());
        var error = Assert.Throws<InvalidError>(() => Functions.Square.GetWebUrl());
        Assert.Contains("'Square'", error.Message);
        await Assert.ThrowsAsync<InvalidError>(() => Function.FromName<int>("testapp", "Square").GetWebUrlAsync());
    }
}
