using System.Net;
using System.Net.Sockets;
using Modal.Docker.Tests.Support;
using static Modal.DockerTestApp.DockerTestApp;

namespace Modal.Docker.Tests;

/// <summary>Untrusted code: gVisor for restricted functions, no network for BlockNetwork, fresh containers for MaxInputs = 1.</summary>
[Collection(DockerCollection.Name)]
public sealed class SandboxTests
{
    [Fact]
    public async Task A_RestrictModalAccess_function_runs_under_gVisor_and_sees_its_kernel()
    {
        Assert.Equal("4.4.0", await Functions.KernelRelease.RemoteAsync());
    }

    [Fact]
    public async Task A_BlockNetwork_function_cannot_reach_a_loopback_server_on_the_host_while_a_normal_function_can()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref accepted);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var normal = await Functions.Connect.RemoteAsync(port);
        var blocked = await Functions.ConnectBlocked.RemoteAsync(port);
        await Task.Delay(200);
        await stop.CancelAsync();
        await accepting;

        Assert.Equal("connected", normal);
        Assert.StartsWith("failed:", blocked);
        Assert.Equal(1, Volatile.Read(ref accepted));
    }

    [Fact]
    public async Task MaxInputs_1_gives_each_input_a_fresh_container()
    {
        var first = await Functions.TaskId.RemoteAsync();
        var second = await Functions.TaskId.RemoteAsync();

        Assert.StartsWith("ta-", first);
        Assert.NotEqual(first, second);
    }
}
