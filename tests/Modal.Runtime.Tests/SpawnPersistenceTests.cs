using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests;

/// <summary>Spawned calls are durable: their results outlive the control plane process and expire after 7 days.</summary>
public sealed class SpawnPersistenceTests
{
    private static FunctionMapRequest Spawn(string functionId, int count) => new()
    {
        FunctionId = functionId,
        CallType = FunctionCallType.Map,
        InvocationType = FunctionCallInvocationType.Async,
        PipelinedInputs = { Inputs.Range(0, count) },
        InputsComplete = true,
    };

    [Fact]
    public async Task Results_of_a_spawned_call_can_be_fetched_from_a_restarted_control_plane()
    {
        using var state = new TempDirectory();
        string callId;
        await using (var plane = await TestControlPlane.StartAsync(stateDirectory: state.Path))
        {
            var app = await plane.CreateAppAsync(Manifests.Function());
            callId = (await plane.Api.FunctionMapAsync(Spawn(app.FunctionIds["Square"], 2))).FunctionCallId;
            await using var container = await plane.ConnectNextContainerAsync(credits: 2);
            for (var i = 0; i < 2; i++)
            {
                var input = await container.NextInputAsync();
                await container.SucceedAsync(input, [(byte)(input.Idx + 10)]);
            }

            Assert.Equal(2, (await Inputs.ReadAllOutputsAsync(plane.Api, callId)).Count);
        }

        await using var restarted = await TestControlPlane.StartAsync(stateDirectory: state.Path);
        var outputs = await Inputs.ReadAllOutputsAsync(restarted.Api, callId);
        Assert.Equal([10, 11], outputs.Select(o => (int)o.Result.Data.Inline[0]).Order());
        var info = await restarted.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = callId });
        Assert.Equal(FunctionCallInvocationType.Async, info.InvocationType);
        Assert.Equal(2, info.NumInputs);
        Assert.Equal(2, info.NumCompleted);
        Assert.True(info.CompletedAtMs > 0);
        Assert.Single(await Inputs.ReadAllOutputsAsync(restarted.Api, callId, after: 1));
    }

    [Fact]
    public async Task Unfinished_spawned_inputs_of_a_deployed_app_run_after_a_restart()
    {
        using var state = new TempDirectory();
        string callId;
        await using (var plane = await TestControlPlane.StartAsync(stateDirectory: state.Path))
        {
            var app = await plane.CreateAppAsync(AppState.Deployed, Manifests.Function());
            callId = (await plane.Api.FunctionMapAsync(Spawn(app.FunctionIds["Square"], 3))).FunctionCallId;
            await using var container = await plane.ConnectNextContainerAsync(credits: 1);
            var input = await container.NextInputAsync();
            await container.SucceedAsync(input, [1]);
            await Inputs.ReadOutputsAsync(plane.Api, callId, count: 1);
        }

        await using var restarted = await TestControlPlane.StartAsync(stateDirectory: state.Path);
        await using var resumed = await restarted.ConnectNextContainerAsync(credits: 2);
        for (var i = 0; i < 2; i++)
        {
            var input = await resumed.NextInputAsync();
            await resumed.SucceedAsync(input, [2]);
        }

        var outputs = await Inputs.ReadAllOutputsAsync(restarted.Api, callId);
        Assert.Equal(3, outputs.Count);
        Assert.Equal(3, outputs.Select(o => o.InputId).Distinct().Count());
    }

    [Fact]
    public async Task Unfinished_spawned_inputs_of_an_ephemeral_app_are_terminated_by_a_restart()
    {
        using var state = new TempDirectory();
        string callId;
        await using (var plane = await TestControlPlane.StartAsync(stateDirectory: state.Path))
        {
            var app = await plane.CreateAppAsync(Manifests.Function());
            callId = (await plane.Api.FunctionMapAsync(Spawn(app.FunctionIds["Square"], 2))).FunctionCallId;
        }

        await using var restarted = await TestControlPlane.StartAsync(stateDirectory: state.Path);
        var outputs = await Inputs.ReadAllOutputsAsync(restarted.Api, callId);
        Assert.Equal(2, outputs.Count);
        Assert.All(outputs, o =>
        {
            Assert.Equal(ResultStatus.Terminated, o.Result.Status);
            Assert.Contains("restarted", o.Result.Error.Message);
        });
    }

    [Fact]
    public async Task Results_expire_seven_days_after_the_call_completes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var plane = await TestControlPlane.StartAsync(time, configure: o => o with { MaintenanceInterval = TimeSpan.FromDays(30) });
        var app = await plane.CreateAppAsync(Manifests.Function());
        var callId = (await plane.Api.FunctionMapAsync(Spawn(app.FunctionIds["Square"], 1))).FunctionCallId;
        await using (var container = await plane.ConnectNextContainerAsync())
        {
            await container.SucceedAsync(await container.NextInputAsync(), [5]);
        }

        Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, callId));

        time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, callId));
        Assert.Equal(1, (await plane.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = callId })).NumCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var outputs = await Assert.ThrowsAsync<RpcException>(() => Inputs.ReadAllOutputsAsync(plane.Api, callId));
        Assert.Equal(StatusCode.NotFound, outputs.StatusCode);
        Assert.Equal("OutputExpiredError", TestControlPlane.ErrorClass(outputs));
        Assert.Contains("7 days", outputs.Status.Detail);
        var info = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = callId }).ResponseAsync);
        Assert.Equal("OutputExpiredError", TestControlPlane.ErrorClass(info));

        // Purging the stored results keeps the answer the same.
        time.Advance(TimeSpan.FromHours(2));
        await plane.Host.Scheduler.RunMaintenanceAsync(CancellationToken.None);
        var purged = await Assert.ThrowsAsync<RpcException>(() => Inputs.ReadAllOutputsAsync(plane.Api, callId));
        Assert.Equal("OutputExpiredError", TestControlPlane.ErrorClass(purged));
    }

    [Fact]
    public async Task An_ephemeral_app_whose_client_stops_heartbeating_is_stopped()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var plane = await TestControlPlane.StartAsync(time, configure: o => o with { MaintenanceInterval = TimeSpan.FromDays(30) });
        var app = await plane.CreateAppAsync(Manifests.Function());

        time.Advance(TimeSpan.FromSeconds(20));
        await plane.Api.AppHeartbeatAsync(new AppHeartbeatRequest { AppId = app.AppId });
        time.Advance(TimeSpan.FromSeconds(20));
        await plane.Host.Scheduler.RunMaintenanceAsync(CancellationToken.None);
        await plane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "test-app", FunctionName = "Square" });

        time.Advance(TimeSpan.FromSeconds(11));
        await plane.Host.Scheduler.RunMaintenanceAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "test-app", FunctionName = "Square" }).ResponseAsync);
        Assert.Equal("NotFoundError", TestControlPlane.ErrorClass(error));
    }

    [Fact]
    public async Task A_spawn_map_of_ten_thousand_inputs_is_accepted_and_stored()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function());
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = app.FunctionIds["Square"],
            InvocationType = FunctionCallInvocationType.Async,
        });
        for (var chunk = 0; chunk < 10; chunk++)
        {
            await plane.Api.FunctionPutInputsAsync(new FunctionPutInputsRequest
            {
                FunctionCallId = map.FunctionCallId,
                Inputs = { Inputs.Range(chunk * 1_000, 1_000) },
                InputsComplete = chunk == 9,
            });
        }

        var info = await plane.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = map.FunctionCallId });
        Assert.Equal(10_000, info.NumInputs);
        Assert.Equal(0, info.NumCompleted);
    }
}
