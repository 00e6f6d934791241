using System.Diagnostics;
using System.Reflection;
using Google.Protobuf;
using MessagePack;
using Modal.Auth;
using Modal.ControlPlane;
using Modal.Dispatch;
using Modal.Protocol;

namespace Modal.Bench;

/// <summary>
/// spawn-throughput: a spawn_map of 10,000 trivial inputs against a server-mode control plane (the code `modal server`
/// runs; in this process unless MODAL_SERVER_URL names one). accepted_per_s is the rate at which inputs are stored
/// durably (the last chunk's acknowledgement); completed_per_s is the end-to-end rate until every output is stored.
/// </summary>
internal static class SpawnThroughputBenchmark
{
    private const int N = 10_000;
    private const int Chunk = 1_000;

    public static async Task<object> RunAsync()
    {
        var options = ModalOptions.FromEnvironment();
        ControlPlaneHost? host = null;
        var state = Path.Combine(Path.GetTempPath(), "modal-bench-server-" + Guid.NewGuid().ToString("N"));
        try
        {
            if (options.ServerUrl is null)
            {
                host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { StateDirectory = state, ServerMode = new ServerModeOptions() });
                var token = await host.BootstrapAsync() ?? throw new InvalidOperationException("a fresh server creates an admin token");
                options = options with { ServerUrl = host.Address, TokenId = token.TokenId, TokenSecret = token.TokenSecret };
            }

            using var client = new ModalClient(options.ServerUrl!, options);
            var registry = (IModalRegistry)Activator.CreateInstance(
                typeof(BenchApp).Assembly.GetCustomAttribute<ModalRegistryAttribute>()!.RegistryType, nonPublic: true)!;
            ModalSerializer.Register(registry.Resolver);
            var assembly = typeof(BenchApp).Assembly.Location;
            var app = await client.AppCreateAsync(new AppCreateRequest
            {
                Name = "modal-bench-spawn",
                State = AppState.Deployed,
                ArtifactDir = Path.GetDirectoryName(assembly)!,
                AssemblyFile = Path.GetFileName(assembly),
                ManifestJson = registry.ManifestJson,
            }, CancellationToken.None);
            var functionId = app.FunctionIds["Spawnee"];

            // Warm-up: containers up and both sides' call paths JIT-compiled.
            await SpawnMapAsync(client, functionId, 500);

            var start = Stopwatch.GetTimestamp();
            var callId = await SpawnMapAsync(client, functionId, N);
            var accepted = Stopwatch.GetElapsedTime(start).TotalSeconds;
            while (true)
            {
                var info = await client.FunctionCallGetInfoAsync(callId, CancellationToken.None);
                if (info.NumCompleted >= N)
                {
                    break;
                }

                await Task.Delay(5);
            }

            var completed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            await client.AppStopAsync(app.AppId, CancellationToken.None);
            return new { scenario = "spawn-throughput", n = N, accepted_per_s = Math.Round(N / accepted), completed_per_s = Math.Round(N / completed) };
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
                Directory.Delete(state, recursive: true);
            }
        }
    }

    private static async Task<string> SpawnMapAsync(ModalClient client, string functionId, int n)
    {
        var map = new FunctionMapRequest
        {
            FunctionId = functionId,
            CallType = FunctionCallType.Map,
            InvocationType = FunctionCallInvocationType.Async,
            ReturnExceptions = true,
            InputsComplete = n <= Chunk,
        };
        map.PipelinedInputs.AddRange(Enumerable.Range(0, Math.Min(n, Chunk)).Select(Input));
        var callId = (await client.FunctionMapAsync(map, CancellationToken.None)).FunctionCallId;
        for (var next = Chunk; next < n; next += Chunk)
        {
            var put = new FunctionPutInputsRequest { FunctionCallId = callId, InputsComplete = next + Chunk >= n };
            put.Inputs.AddRange(Enumerable.Range(next, Math.Min(Chunk, n - next)).Select(Input));
            await client.FunctionPutInputsAsync(put, CancellationToken.None);
        }

        return callId;
    }

    private static FunctionInput Input(int i) =>
        new() { Idx = i, Args = new Payload { Inline = ByteString.CopyFrom(MessagePackSerializer.Serialize(new[] { i })) } };
}
