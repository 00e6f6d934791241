using System.Net;
using Grpc.Core;
using Modal.Auth;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests.Gateway;

/// <summary>What only server mode has: proxy-auth tokens and the per-workspace rate limit.</summary>
public sealed class GatewayServerModeTests
{
    [Fact]
    public async Task A_proxy_auth_endpoint_answers_401_without_a_valid_proxy_token_and_200_with_one()
    {
        await using var controlPlane = await TestControlPlane.StartAsync(configure: o => o with { ServerMode = new ServerModeOptions() });
        var admin = (await controlPlane.Host.BootstrapAsync())!;
        var headers = Headers(admin);
        var created = await CreateAppAsync(controlPlane, headers, Web.Function("Secret", proxyAuth: true));
        var platform = new PlatformApi.PlatformApiClient(controlPlane.Channel);
        var proxy = await platform.TokenCreateAsync(new TokenCreateRequest { ProxyAuth = true }, headers);
        await using var upstream = await Upstream.StartAsync("secret");
        using var client = Web.Client();
        var url = created.WebUrls["Secret"];
        Assert.StartsWith("wk-", proxy.TokenId);
        Assert.StartsWith("ws-", proxy.TokenSecret);

        using var anonymous = await client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url));
        var withApiToken = Web.Request(controlPlane.Host.WebBaseAddress, url);
        withApiToken.Headers.Add("Modal-Key", admin.TokenId);
        withApiToken.Headers.Add("Modal-Secret", admin.TokenSecret);
        using var refused = await client.SendAsync(withApiToken);
        var wrongSecret = Web.Request(controlPlane.Host.WebBaseAddress, url);
        wrongSecret.Headers.Add("Modal-Key", proxy.TokenId);
        wrongSecret.Headers.Add("Modal-Secret", "ws-wrong");
        using var wrong = await client.SendAsync(wrongSecret);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("requires proxy auth", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(controlPlane.Backend.Starts);

        var authorized = Web.Request(controlPlane.Host.WebBaseAddress, url);
        authorized.Headers.Add("Modal-Key", proxy.TokenId);
        authorized.Headers.Add("Modal-Secret", proxy.TokenSecret);
        var sending = client.SendAsync(authorized);
        await using var container = await Web.ServeNextAsync(controlPlane, upstream);
        using var ok = await sending;
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.False(upstream.LastHeaders!.ContainsKey("Modal-Secret"));

        // A proxy-auth token is for web endpoints only: the API refuses it.
        var asApi = new Metadata { { ModalClient.TokenIdHeader, proxy.TokenId }, { ModalClient.TokenSecretHeader, proxy.TokenSecret } };
        var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.WhoAmIAsync(new WhoAmIRequest(), asApi));
        Assert.Equal("AuthError", TestControlPlane.ErrorClass(error));
    }

    [Fact]
    public async Task Requests_past_the_workspace_rate_limit_get_429()
    {
        await using var controlPlane = await TestControlPlane.StartAsync(configure: o => o with
        {
            // One request's worth of burst, refilled far slower than the test runs.
            ServerMode = new ServerModeOptions { RateLimitInputsPerSecond = 0.001, RateLimitBurstSeconds = 1000 },
        });
        var headers = Headers((await controlPlane.Host.BootstrapAsync())!);
        var created = await CreateAppAsync(controlPlane, headers, Web.Function("Limited"));
        await using var upstream = await Upstream.StartAsync("limited");
        using var client = Web.Client();
        var url = created.WebUrls["Limited"];

        var first = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url));
        await using var container = await Web.ServeNextAsync(controlPlane, upstream);
        using var admitted = await first;
        using var limited = await client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url));

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("rate limit", await limited.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_url_names_the_workspace_of_the_token_that_created_the_app()
    {
        await using var controlPlane = await TestControlPlane.StartAsync(configure: o => o with { ServerMode = new ServerModeOptions() });
        var headers = Headers((await controlPlane.Host.BootstrapAsync())!);

        var created = await CreateAppAsync(controlPlane, headers, Web.Function("Hello"));

        Assert.Equal($"http://default--test-app-hello-dev.localhost:{controlPlane.Host.WebBaseAddress.Port}", created.WebUrls["Hello"]);
    }

    internal static Metadata Headers(TokenCredentials token) => new()
    {
        { ModalClient.TokenIdHeader, token.TokenId },
        { ModalClient.TokenSecretHeader, token.TokenSecret },
    };

    private static async Task<AppCreateResponse> CreateAppAsync(TestControlPlane controlPlane, Metadata headers, params Manifest.FunctionManifest[] functions) =>
        await controlPlane.Api.AppCreateAsync(new AppCreateRequest
        {
            Name = "test-app",
            State = AppState.Ephemeral,
            ArtifactDir = controlPlane.Artifacts.Path,
            AssemblyFile = "TestApp.dll",
            ManifestJson = Manifests.App("test-app", functions).ToJson(),
        }, headers);
}
