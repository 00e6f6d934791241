using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Modal.Cli.Tests;

/// <summary>The CLI's side of web endpoints: the URLs deploy prints, and proxy-auth tokens against a `modal server` gateway.</summary>
public sealed partial class WebCliTests
{
    [Fact]
    public async Task Deploy_prints_each_web_url_and_a_proxy_auth_token_from_the_cli_opens_a_proxy_auth_endpoint()
    {
        await using var cli = new ModalCli();
        await cli.StartServerAsync();
        var gatewayPort = new Uri(cli.Listening.GetProperty("webUrl").GetString()!).Port;

        var deployed = await cli.RunAsync("deploy", ModalCli.TestAppAssembly, "--name", "cli-web");
        Assert.True(deployed.ExitCode == 0, deployed.Stdout + deployed.Stderr);
        var printed = CreatedLine().Matches(deployed.Stdout).ToDictionary(m => m.Groups["function"].Value, m => m.Groups["url"].Value);
        Assert.Contains("GatewayEcho", printed.Keys);
        Assert.DoesNotContain("Square", printed.Keys);
        var url = new Uri(printed["ProxyAuthHello"]);
        Assert.Equal(gatewayPort, url.Port);
        Assert.EndsWith("--cli-web-proxyauthhello.localhost", url.Host, StringComparison.Ordinal);

        var redeployed = await cli.RunAsync("deploy", ModalCli.TestAppAssembly, "--name", "cli-web", "--json");
        Assert.True(redeployed.ExitCode == 0, redeployed.Stdout + redeployed.Stderr);
        using (var json = JsonDocument.Parse(redeployed.Stdout))
        {
            var webUrls = json.RootElement.GetProperty("webUrls").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal(printed, webUrls);
        }

        var token = await cli.RunAsync("token", "new", "--proxy-auth", "--json");
        Assert.True(token.ExitCode == 0, token.Stdout + token.Stderr);
        string key, secret;
        using (var json = JsonDocument.Parse(token.Stdout))
        {
            Assert.True(json.RootElement.GetProperty("proxyAuth").GetBoolean());
            key = json.RootElement.GetProperty("tokenId").GetString()!;
            secret = json.RootElement.GetProperty("tokenSecret").GetString()!;
            Assert.StartsWith(json.RootElement.GetProperty("workspace").GetString() + "--", url.Host, StringComparison.Ordinal);
        }

        // Printed, never saved: the profile written by the server's first start stays the only one.
        Assert.Single(ModalProfile.LoadAll(cli.ConfigPath));
        var text = await cli.RunAsync("token", "new", "--proxy-auth");
        Assert.Equal(0, text.ExitCode);
        Assert.Matches("Modal-Key: \\S+", text.Stdout);
        Assert.Matches("Modal-Secret: \\S+", text.Stdout);

        using var http = LoopbackClient();
        using (var anonymous = await http.GetAsync(new Uri(url, "?name=ada")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("modal token new --proxy-auth", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var wrong = await http.SendAsync(WithProxyAuth(new Uri(url, "?name=ada"), key, secret + "x")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // The request starts the endpoint's first container, so it may take a while on a loaded machine.
        using (var authorized = await http.SendAsync(WithProxyAuth(new Uri(url, "?name=ada"), key, secret)))
        {
            var body = await authorized.Content.ReadAsStringAsync();
            Assert.True(authorized.StatusCode == HttpStatusCode.OK, $"{(int)authorized.StatusCode}: {body}");
            Assert.Equal("\"hello ada, you passed proxy auth\"", body);
        }
    }

    [Fact]
    public async Task Run_prints_the_web_urls_of_the_app_before_its_entrypoint_runs()
    {
        await using var cli = new ModalCli();
        // No server: the app runs on an embedded control plane in the `modal run` child, as a newcomer's first run does.
        var run = await cli.RunAsync(new Dictionary<string, string> { ["MODAL_STATE_DIR"] = Path.Combine(cli.Home, "state") }, "run", ModalCli.WebSampleAssembly);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var printed = CreatedLine().Matches(run.Stdout).ToDictionary(m => m.Groups["function"].Value, m => m.Groups["url"].Value);
        Assert.Equal(["Api", "Checkout", "Countdown", "Greet", "Squares", "StaticServer"], printed.Keys.Order(StringComparer.Ordinal));
        Assert.Matches(@"^http://default--web-endpoints-greet-dev\.localhost:\d+$", printed["Greet"]);
        // The entrypoint printed the same URL after the line, and reached the endpoint through it.
        Assert.True(run.Stdout.IndexOf("Created web function Greet", StringComparison.Ordinal) < run.Stdout.IndexOf($"Greet      {printed["Greet"]}", StringComparison.Ordinal));
    }

    private static HttpRequestMessage WithProxyAuth(Uri url, string key, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Modal-Key", key);
        request.Headers.Add("Modal-Secret", secret);
        return request;
    }

    /// <summary>Connects to 127.0.0.1 whatever the URL's *.localhost name, so the name stays in the Host header that routes it.</summary>
    private static HttpClient LoopbackClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        Timeout = TimeSpan.FromMinutes(3),
    };

    [GeneratedRegex(@"Created web function (?<function>\S+) => (?<url>http://\S+)")]
    private static partial Regex CreatedLine();
}
