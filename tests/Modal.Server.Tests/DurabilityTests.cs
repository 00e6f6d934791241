using Grpc.Core;
using Modal.Protocol;

namespace Modal.Server.Tests;

public class DurabilityTests
{
    /// <summary>
    /// The scenario at a size that keeps the suite quick (the spawn-throughput benchmark runs 10,000): the
    /// server is SIGKILLed while a spawned map runs, restarted on the same state, and every input then completes
    /// exactly once; spawned calls are fetched by id from a fresh client.
    /// </summary>
    [Fact]
    public async Task Killing_the_server_hard_during_a_spawn_map_loses_and_repeats_no_input()
    {
        const int n = 1_500;
        var home = Path.Combine(Path.GetTempPath(), "modal-home-" + Guid.NewGuid().ToString("N")[..12]);
        var state = Path.Combine(home, "state");
        Directory.CreateDirectory(home);
        var port = ServerProcess.FreePort();
        var (server, address) = await ServerProcess.StartAsync(home, state, port);
        try
        {
            var profile = Assert.Single(ModalProfile.LoadAll(Path.Combine(home, ".modal.toml")));
            Assert.Equal(address.ToString().TrimEnd('/'), profile.ServerUrl);
            string callId;
            var unaryIds = new List<string>();
            using (var connection = new TestConnection(address, profile.TokenId, profile.TokenSecret))
            {
                var deployed = await ServerFixture.DeployAsync(connection, "durable");
                var sleep = deployed.FunctionIds["Sleep"];
                var map = new FunctionMapRequest { FunctionId = sleep, InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Map, ReturnExceptions = true };
                map.PipelinedInputs.AddRange(Enumerable.Range(0, 500).Select(i => Inputs.Square(i, 2)));
                callId = (await connection.Api.FunctionMapAsync(map, connection.Call)).FunctionCallId;
                for (var start = 500; start < n; start += 500)
                {
                    var put = new FunctionPutInputsRequest { FunctionCallId = callId, InputsComplete = start + 500 >= n };
                    put.Inputs.AddRange(Enumerable.Range(start, 500).Select(i => Inputs.Square(i, 2)));
                    await connection.Api.FunctionPutInputsAsync(put, connection.Call);
                }

                for (var i = 0; i < 5; i++)
                {
                    var spawn = new FunctionMapRequest { FunctionId = sleep, InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
                    spawn.PipelinedInputs.Add(Inputs.Square(0, 10 + i));
                    unaryIds.Add((await connection.Api.FunctionMapAsync(spawn, connection.Call)).FunctionCallId);
                }

                // Kill once work is under way but far from done.
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while ((await connection.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = callId }, connection.Call)).NumCompleted < 20)
                {
                    Assert.True(DateTime.UtcNow < deadline, "No input completed within a minute. Server output:\n" + server.Output);
                    await Task.Delay(20);
                }

                var before = await connection.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = callId }, connection.Call);
                Assert.True(before.NumCompleted < n, "the map finished before the kill; make its inputs slower");
            }

            await server.KillHardAsync();
            server.Dispose();
            (server, address) = await ServerProcess.StartAsync(home, state, port);

            using (var connection = new TestConnection(address, profile.TokenId, profile.TokenSecret))
            {
                var seen = new Dictionary<int, int>();
                long cursor = 0;
                var complete = false;
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
                while (!complete)
                {
                    using var stream = connection.Api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = callId, LastEntryId = cursor }, connection.Call.WithCancellationToken(timeout.Token));
                    await foreach (var batch in stream.ResponseStream.ReadAllAsync(timeout.Token))
                    {
                        foreach (var output in batch.Outputs)
                        {
                            Assert.False(seen.ContainsKey(output.Idx), $"input {output.Idx} has two outputs");
                            seen[output.Idx] = Inputs.ReadInt(output.Result);
                        }

                        cursor = batch.LastEntryId;
                        complete = batch.CallComplete;
                    }
                }

                Assert.Equal(n, seen.Count);
                Assert.All(seen, pair => Assert.Equal(2, pair.Value));
            }

            // FunctionCall.FromId from a client that did not spawn them.
            using var client = new ModalClient(address, new ModalOptions { TokenId = profile.TokenId, TokenSecret = profile.TokenSecret });
            for (var i = 0; i < unaryIds.Count; i++)
            {
                Assert.Equal(10 + i, await new FunctionCall<int>(unaryIds[i], client, "Sleep").GetAsync(TimeSpan.FromMinutes(1)));
            }
        }
        finally
        {
            server.Dispose();
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A worker that is still exiting may hold a file; the temp folder is cleaned by the OS.
            }
        }
    }

    [Fact]
    public async Task A_worker_killed_hard_in_the_middle_of_an_input_gets_the_input_retried_once_to_a_single_result()
    {
        var home = Path.Combine(Path.GetTempPath(), "modal-home-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(home);
        var (server, address) = await ServerProcess.StartAsync(home, Path.Combine(home, "state"), ServerProcess.FreePort());
        try
        {
            var profile = Assert.Single(ModalProfile.LoadAll(Path.Combine(home, ".modal.toml")));
            using var connection = new TestConnection(address, profile.TokenId, profile.TokenSecret);
            var manifest = ServerFixture.Manifest(f => f.Name == "Sleep"
                ? f with { Retries = new Manifest.RetriesManifest { MaxRetries = 2, InitialDelaySeconds = 0, MaxDelaySeconds = 1 } }
                : f);
            var deployed = await ServerFixture.DeployAsync(connection, "crashy", manifest);
            var spawn = new FunctionMapRequest { FunctionId = deployed.FunctionIds["Sleep"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
            spawn.PipelinedInputs.Add(Inputs.Square(0, 2_500));
            var callId = (await connection.Api.FunctionMapAsync(spawn, connection.Call)).FunctionCallId;

            // The input is running once a worker is up and a second has passed (Sleep(2500) is then mid-way).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            IReadOnlyList<int> workers;
            while ((workers = server.WorkerPids()).Count == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "No worker started. Server output:\n" + server.Output);
                await Task.Delay(50);
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.NotEmpty(server.WorkerPids());
            foreach (var pid in server.WorkerPids())
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }

            using var client = new ModalClient(address, new ModalOptions { TokenId = profile.TokenId, TokenSecret = profile.TokenSecret });
            Assert.Equal(2_500, await new FunctionCall<int>(callId, client, "Sleep").GetAsync(TimeSpan.FromMinutes(1)));
            var info = await connection.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = callId }, connection.Call);
            Assert.Equal(1, info.NumInputs);
            Assert.Equal(1, info.NumCompleted);
        }
        finally
        {
            server.Dispose();
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A worker that is still exiting may hold a file; the temp folder is cleaned by the OS.
            }
        }
    }
}
