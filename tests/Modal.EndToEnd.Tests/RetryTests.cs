using System.Diagnostics;
using Modal.Protocol;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class RetryTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Failed_attempts_are_retried_for_remote_map_and_spawn_and_the_caller_sees_the_retry_count()
    {
        Assert.Equal(1, await Functions.FailUntil.RemoteAsync(1));

        var mapped = await Functions.FailUntil.MapAsync([2, 0], returnExceptions: true).ToListAsync();
        Assert.Equal([2, 0], mapped.Select(r => r.Value));
        Assert.Equal([2, 0], mapped.Select(r => r.RetryCount));

        var call = await Functions.FailUntil.SpawnAsync(1);
        Assert.Equal(1, await call.GetAsync(Scratch.Patience));
    }

    [Fact]
    public async Task When_retries_run_out_the_last_failure_reaches_the_caller_with_its_retry_count()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(() => Functions.FailUntil.RemoteAsync(10));

        Assert.Equal(3, error.RetryCount);
        Assert.Contains("attempt 3 fails on purpose", error.RemoteMessage);
    }

    [Fact]
    public async Task A_worker_killed_with_sigkill_mid_input_has_the_input_retried_on_a_new_container_and_delivered_once()
    {
        using var scratch = new Scratch();
        var pidFile = scratch.File("pid");
        var call = await Functions.HangFirst.SpawnAsync(pidFile);

        var pid = int.Parse(await Scratch.WaitForFileAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        using (var worker = Process.GetProcessById(pid))
        {
            // Process.Kill is SIGKILL on Unix: the worker gets no chance to report anything.
            worker.Kill();
        }

        Assert.Equal(1, await call.GetAsync(Scratch.Patience));

        using var channel = ModalGrpcChannel.Create(app.Run.ServerUrl);
        var api = new ModalApi.ModalApiClient(channel);
        var outputs = new List<FunctionOutput>();
        using (var stream = api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = call.ObjectId }))
        {
            while (await stream.ResponseStream.MoveNext(CancellationToken.None))
            {
                outputs.AddRange(stream.ResponseStream.Current.Outputs);
                if (stream.ResponseStream.Current.CallComplete)
                {
                    break;
                }
            }
        }

        var output = Assert.Single(outputs);
        Assert.Equal(1, output.RetryCount);
        Assert.Equal(ResultStatus.Success, output.Result.Status);
        Assert.Equal(1, (await api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = call.ObjectId })).NumCompleted);
    }
}
