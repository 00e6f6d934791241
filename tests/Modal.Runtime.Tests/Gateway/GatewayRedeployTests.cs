using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Modal.Auth;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests.Gateway;

public sealed class GatewayRedeployTests
{
    [Fact]
    public async Task A_deployed_endpoint_keeps_serving_across_a_redeploy_with_no_failed_request()
    {
        await using var controlPlane = await TestControlPlane.StartAsync(configure: o => o with { ServerMode = new ServerModeOptions() });
        var headers = GatewayServerModeTests.Headers((await controlPlane.Host.BootstrapAsync())!);
        var platform = new PlatformApi.PlatformApiClient(controlPlane.Channel);
        await using var containers = new ContainerPlayer(controlPlane);
        var manifest = Manifests.App("site", Web.Function("Hello", maxInputs: 8)).ToJson();

        var v1 = await DeployAsync(controlPlane, platform, headers, manifest);
        var url = v1.WebUrls["Hello"];
        Assert.Equal($"http://default--site-hello.localhost:{controlPlane.Host.WebBaseAddress.Port}", url);
        using var client = Web.Client();
        using (var first = await client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url)))
        {
            Assert.Equal(v1.AppId, await first.Content.ReadAsStringAsync());
        }

        var failures = new ConcurrentQueue<string>();
        var servedBy = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {body}");
                }
                else
                {
                    servedBy.AddOrUpdate(body, 1, (_, n) => n + 1);
                }
            }
        })).ToList();

        await GatewayScalingTests.WaitUntilAsync(() => servedBy.ContainsKey(v1.AppId) && servedBy[v1.AppId] > 20);
        var v2 = await DeployAsync(controlPlane, platform, headers, manifest);
        Assert.Equal(url, v2.WebUrls["Hello"]);
        var oldVersion = controlPlane.Host.Scheduler.Apps.Single(a => a.AppId == v1.AppId);
        await GatewayScalingTests.WaitUntilAsync(() => oldVersion.IsStopped && servedBy.TryGetValue(v2.AppId, out var n) && n > 20);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        Assert.True(servedBy[v1.AppId] > 20);
        Assert.True(servedBy[v2.AppId] > 20);
        using var last = await client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, url));
        Assert.Equal(v2.AppId, await last.Content.ReadAsStringAsync());
    }

    private static async Task<AppDeployResponse> DeployAsync(TestControlPlane controlPlane, PlatformApi.PlatformApiClient platform, Metadata headers, string manifestJson)
    {
        byte[] assembly = [0x4d, 0x5a];
        using (var put = controlPlane.Api.BlobPut(headers))
        {
            await put.RequestStream.WriteAsync(new BlobChunk { Data = ByteString.CopyFrom(assembly) });
            await put.RequestStream.CompleteAsync();
            await put;
        }

        var request = new AppDeployRequest { Name = "site", AssemblyFile = "TestApp.dll", ManifestJson = manifestJson };
        request.Files.Add(new DeployFile { Path = "TestApp.dll", Sha256 = Convert.ToHexStringLower(SHA256.HashData(assembly)), Size = assembly.Length });
        return await platform.AppDeployAsync(request, headers);
    }

    /// <summary>
    /// Plays every container the scheduler starts: connects it and serves HTTP from an upstream that answers with the
    /// container's app id, so a response tells which version served it.
    /// </summary>
    private sealed class ContainerPlayer : IAsyncDisposable
    {
        private readonly ConcurrentBag<IAsyncDisposable> _owned = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public ContainerPlayer(TestControlPlane controlPlane) => _loop = Task.Run(() => PlayAsync(controlPlane));

        private async Task PlayAsync(TestControlPlane controlPlane)
        {
            while (!_stop.IsCancellationRequested)
            {
                Backends.ContainerSpec spec;
                try
                {
                    spec = await controlPlane.Backend.NextStartAsync(TimeSpan.FromMinutes(5)).WaitAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var upstream = await Upstream.StartAsync(spec.AppId);
                _owned.Add(upstream);
                var container = await TestContainer.ConnectAsync(controlPlane.Containers, spec, credits: 0);
                _owned.Add(container);
                await controlPlane.Containers.ContainerWebReadyAsync(
                    new ContainerWebReadyRequest { TaskId = spec.TaskId, Host = "127.0.0.1", Port = upstream.Port }, container.Headers);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            foreach (var owned in _owned)
            {
                await owned.DisposeAsync();
            }
        }
    }
}
