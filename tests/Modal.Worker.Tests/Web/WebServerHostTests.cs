using System.Net;
using System.Net.Sockets;
using Modal.Manifest;

namespace Modal.Worker.Tests.Web;

public sealed class WebServerHostTests
{
    [Fact]
    public async Task Start_waits_until_the_port_accepts_connections()
    {
        AppFunctions.ServerPort = FreePort();
        var settings = new WebManifest { Kind = "server", Port = AppFunctions.ServerPort, StartupTimeoutSeconds = 60 };
        await using var web = await WebHostHarness.StartAsync(WebHostHarness.Function(typeof(AppFunctions), nameof(AppFunctions.StartsLate), settings));
        try
        {
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, AppFunctions.ServerPort), web.Endpoint);
            Assert.NotNull(AppFunctions.Listener);
        }
        finally
        {
            AppFunctions.Listener?.Stop();
        }
    }

    [Fact]
    public async Task A_server_that_never_listens_fails_after_the_startup_timeout_naming_port_and_timeout()
    {
        var port = FreePort();
        var settings = new WebManifest { Kind = "server", Port = port, StartupTimeoutSeconds = 0.5 };
        var error = await Assert.ThrowsAsync<FunctionTimeoutError>(() =>
            WebHostHarness.StartAsync(WebHostHarness.Function(typeof(AppFunctions), nameof(AppFunctions.NeverListens), settings)));
        Assert.Contains($"port {port}", error.Message);
        Assert.Contains("0.5 s", error.Message);
        Assert.Contains("StartupTimeout", error.Message);
    }

    [Fact]
    public async Task A_function_that_throws_fails_the_start_with_its_error()
    {
        var settings = new WebManifest { Kind = "server", Port = FreePort(), StartupTimeoutSeconds = 60 };
        var error = await Assert.ThrowsAsync<InvalidError>(() =>
            WebHostHarness.StartAsync(WebHostHarness.Function(typeof(AppFunctions), nameof(AppFunctions.Crashes), settings)));
        Assert.Contains("missing config file", error.Message);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
