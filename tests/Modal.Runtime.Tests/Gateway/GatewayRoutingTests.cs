using System.Net;
using Grpc.Core;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests.Gateway;

public sealed class GatewayRoutingTests
{
    [Fact]
    public async Task A_request_is_routed_by_its_host_to_the_container_of_that_function()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello"), Web.Function("Other"));
        await using var hello = await Upstream.StartAsync("hello");
        using var client = Web.Client();

        var url = created.WebUrls["Hello"];
        Assert.Equal($"http://default--test-app-hello-dev.localhost:{controlPlane.Host.WebBaseAddress.Port}", url);
        var response = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url));
        await using var container = await Web.ServeNextAsync(controlPlane, hello);

        using var answered = await response;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("hello", await answered.Content.ReadAsStringAsync());
        Assert.Equal(created.FunctionIds["Hello"], container.Hello.FunctionId);
    }

    [Fact]
    public async Task An_unknown_host_gets_404_naming_the_host()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        await controlPlane.CreateAppAsync(Web.Function("Hello"));
        using var client = Web.Client();

        using var response = await client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, "http://default--nothing-here.localhost:1"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("default--nothing-here.localhost", await response.Content.ReadAsStringAsync());
        Assert.Empty(controlPlane.Backend.Starts);
    }

    [Fact]
    public async Task The_gateway_strips_proxy_auth_headers_and_adds_forwarded_ones()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Hello"));
        await using var upstream = await Upstream.StartAsync("hello");
        using var client = Web.Client();
        var request = Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Hello"]);
        request.Headers.Add("Modal-Key", "wk-x");
        request.Headers.Add("Modal-Secret", "ws-y");
        var response = client.SendAsync(request);
        await using var container = await Web.ServeNextAsync(controlPlane, upstream);

        using var answered = await response;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.False(upstream.LastHeaders!.ContainsKey("Modal-Key"));
        Assert.False(upstream.LastHeaders!.ContainsKey("Modal-Secret"));
        Assert.Equal(new Uri(created.WebUrls["Hello"]).Authority, upstream.LastHeaders!["X-Forwarded-Host"].ToString());
        Assert.Equal($"127.0.0.1:{upstream.Port}", upstream.LastHeaders!["Host"]);
    }

    [Fact]
    public async Task FunctionGet_and_FunctionCreate_carry_the_web_url_and_plain_functions_have_none()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Manifests.Function("Square"), Web.Function("Hello"));

        var hello = await controlPlane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "test-app", FunctionName = "Hello" });
        var square = await controlPlane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "test-app", FunctionName = "Square" });
        var added = await controlPlane.Api.FunctionCreateAsync(new FunctionCreateRequest
        {
            AppId = created.AppId,
            FunctionManifestJson = System.Text.Json.JsonSerializer.Serialize(Web.Function("Added") with { Web = new Manifest.WebManifest { Kind = "endpoint", Label = "my-label" } }, Manifest.AppManifest.JsonOptions),
        });

        Assert.Equal(created.WebUrls["Hello"], hello.WebUrl);
        Assert.Equal("", square.WebUrl);
        Assert.False(created.WebUrls.ContainsKey("Square"));
        Assert.Equal($"http://default--my-label-dev.localhost:{controlPlane.Host.WebBaseAddress.Port}", added.WebUrl);
    }

    [Fact]
    public async Task Two_endpoints_of_one_app_cannot_share_a_label()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var a = Web.Function("A") with { Web = new Manifest.WebManifest { Kind = "app", Label = "same" } };
        var b = Web.Function("B") with { Web = new Manifest.WebManifest { Kind = "app", Label = "same" } };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await controlPlane.CreateAppAsync(a, b));

        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(error));
        Assert.Contains("give one of them a different Label", error.Status.Detail);
    }
}
