using Modal.Auth;
using Modal.Protocol;

namespace Modal.Server.Tests;

public class DeploymentTests
{
    [Fact]
    public async Task Versions_increment_rollback_makes_a_new_version_and_stop_is_final()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        var v1 = await ServerFixture.DeployAsync(admin, "versioned");
        var v2 = await ServerFixture.DeployAsync(admin, "versioned");
        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);
        Assert.NotEqual(v1.AppId, v2.AppId);

        var rolledBack = await admin.Platform.AppRollbackAsync(new AppRollbackRequest { Name = "versioned" }, admin.Call);
        Assert.Equal(3, rolledBack.Version);
        var history = (await admin.Platform.AppHistoryAsync(new AppHistoryRequest { Name = "versioned" }, admin.Call)).Versions;
        Assert.Equal([3, 2, 1], history.Select(v => v.Version));
        Assert.Equal(1, history[0].RollbackOf);
        Assert.True(history[0].Current);
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () =>
            await admin.Platform.AppRollbackAsync(new AppRollbackRequest { Name = "versioned", Version = 9 }, admin.Call)));

        var found = await admin.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "versioned", FunctionName = "Square" }, admin.Call);
        Assert.Equal(rolledBack.AppId, found.AppId);

        await admin.Platform.AppStopByNameAsync(new AppStopByNameRequest { Name = "versioned" }, admin.Call);
        var listed = Assert.Single((await admin.Platform.AppListAsync(new AppListRequest(), admin.Call)).Apps);
        Assert.Equal(AppState.Stopped, listed.State);
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () =>
            await admin.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "versioned", FunctionName = "Square" }, admin.Call)));
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () =>
            await admin.Platform.AppStopByNameAsync(new AppStopByNameRequest { Name = "versioned" }, admin.Call)));
    }

    [Fact]
    public async Task A_redeploy_sends_new_calls_to_the_new_version_and_retires_the_old_one_only_once_its_calls_finished()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        var v1 = await ServerFixture.DeployAsync(admin, "rolling");
        var map = new FunctionMapRequest { FunctionId = v1.FunctionIds["Square"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
        map.PipelinedInputs.Add(Inputs.Square(0, 5));
        var pending = await admin.Api.FunctionMapAsync(map, admin.Call);

        var v2 = await ServerFixture.DeployAsync(admin, "rolling");
        Assert.Equal(v2.FunctionIds["Square"], (await admin.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "rolling", FunctionName = "Square" }, admin.Call)).FunctionId);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(server.Host.Scheduler.Apps.Single(a => a.AppId == v1.AppId).IsStopped, "v1 still has an accepted input, so it keeps running");

        await admin.Api.FunctionCallCancelAsync(new FunctionCallCancelRequest { FunctionCallId = pending.FunctionCallId }, admin.Call);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!server.Host.Scheduler.Apps.Single(a => a.AppId == v1.AppId).IsStopped)
        {
            Assert.True(DateTime.UtcNow < deadline, "v1 was not retired after its last call finished");
            await Task.Delay(100);
        }

        Assert.False(server.Host.Scheduler.Apps.Single(a => a.AppId == v2.AppId).IsStopped);
    }

    [Fact]
    public async Task Only_missing_files_are_uploaded()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        var request = new DeployMissingFilesRequest { Files = { new DeployFile { Path = "Modal.TestApp.dll", Sha256 = new string('a', 64) } } };
        Assert.Single((await admin.Platform.DeployMissingFilesAsync(request, admin.Call)).MissingSha256);
        await ServerFixture.DeployAsync(admin, "uploaded");
        var dll = await File.ReadAllBytesAsync(Path.Combine(ServerFixture.TestAppDirectory, "Modal.TestApp.dll"));
        request.Files[0].Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(dll));
        Assert.Empty((await admin.Platform.DeployMissingFilesAsync(request, admin.Call)).MissingSha256);
    }
}

public class RateLimitTests
{
    [Fact]
    public async Task Past_the_workspace_rate_limit_inputs_get_ResourceExhausted_and_other_workspaces_are_unaffected()
    {
        await using var server = await ServerFixture.StartAsync(new ServerModeOptions { RateLimitInputsPerSecond = 10, RateLimitBurstSeconds = 1 }, new RecordingBackend());
        using var admin = server.Connect();
        using var other = server.Connect(await server.TokenOfWorkspaceAsync("other"));
        var deployed = await ServerFixture.DeployAsync(admin, "limited");
        var otherDeployed = await ServerFixture.DeployAsync(other, "limited-too");

        FunctionMapRequest Map(string functionId, int inputs)
        {
            var map = new FunctionMapRequest { FunctionId = functionId, InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Map, InputsComplete = true };
            map.PipelinedInputs.AddRange(Enumerable.Range(0, inputs).Select(i => Inputs.Square(i, i)));
            return map;
        }

        await admin.Api.FunctionMapAsync(Map(deployed.FunctionIds["Square"], 8), admin.Call);
        var error = await TestConnection.FailureAsync(async () => await admin.Api.FunctionMapAsync(Map(deployed.FunctionIds["Square"], 8), admin.Call));
        Assert.IsType<ResourceExhaustedError>(error);
        Assert.Contains("rate limit", error.Message);
        await other.Api.FunctionMapAsync(Map(otherDeployed.FunctionIds["Square"], 8), other.Call);

        // The bucket refills at the configured rate.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await admin.Api.FunctionMapAsync(Map(deployed.FunctionIds["Square"], 8), admin.Call);
    }
}

public class FromNameTests
{
    [Fact]
    public async Task Function_FromName_calls_spawns_and_rescales_a_deployed_function_from_another_process()
    {
        var home = Path.Combine(Path.GetTempPath(), "modal-home-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(home);
        var (server, address) = await ServerProcess.StartAsync(home, Path.Combine(home, "state"), ServerProcess.FreePort());
        try
        {
            var profile = Assert.Single(ModalProfile.LoadAll(Path.Combine(home, ".modal.toml")));
            using (var connection = new TestConnection(address, profile.TokenId, profile.TokenSecret))
            {
                await ServerFixture.DeployAsync(connection, "by-name");
            }

            var helper = await RunHelperAsync(address, profile);
            Assert.Contains("remote=49", helper);
            Assert.Contains("spawned=12", helper);
            Assert.Contains("missing=NotFoundError", helper);
            Assert.Contains("autoscaler=ok", helper);
            Assert.Contains("invalid=InvalidError", helper);
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
            }
        }
    }

    private static async Task<string> RunHelperAsync(Uri address, ModalProfile profile)
    {
        // The test process is the other process: it has the server's address and a token, and looks everything up by name.
        // The connection is installed as the current context, as MODAL_SERVER_URL would make it (that one is read once per process).
        var output = new System.Text.StringBuilder();
        using var client = new ModalClient(address, new ModalOptions { TokenId = profile.TokenId, TokenSecret = profile.TokenSecret });
        var run = new AppRun { AppId = "ap-none", AppName = "not-this-app", Client = client, FunctionIds = new Dictionary<string, string>() };
        var saved = AppRun.Current;
        AppRun.Current = run;
        try
        {
            var square = Function.FromName<int>("by-name", "Square");
            output.Append("remote=").Append(await square.RemoteAsync([7])).Append(' ');
            var call = await square.SpawnAsync([4]);
            output.Append("spawned=").Append(await FunctionCall.FromId<int>(call.ObjectId).GetAsync(TimeSpan.FromSeconds(60)) - 4).Append(' ');
            try
            {
                await Function.FromName<int>("by-name", "Nope").RemoteAsync([1]);
            }
            catch (ModalException ex)
            {
                output.Append("missing=").Append(ex.GetType().Name).Append(' ');
            }

            await square.UpdateAutoscalerAsync(minContainers: 1, maxContainers: 3);
            output.Append("autoscaler=ok ");
            try
            {
                await square.UpdateAutoscalerAsync(minContainers: 5, maxContainers: 2);
            }
            catch (ModalException ex)
            {
                output.Append("invalid=").Append(ex.GetType().Name);
            }
        }
        finally
        {
            AppRun.Current = saved;
        }

        return output.ToString();
    }
}

public class AutoscalerTests
{
    [Fact]
    public async Task UpdateAutoscaler_changes_scaling_now_and_the_next_deploy_reverts_it()
    {
        var backend = new RecordingBackend();
        await using var server = await ServerFixture.StartAsync(backend: backend);
        using var admin = server.Connect();
        var v1 = await ServerFixture.DeployAsync(admin, "scaled");
        await admin.Api.FunctionUpdateAutoscalerAsync(new FunctionUpdateAutoscalerRequest { FunctionId = v1.FunctionIds["Square"], MinContainers = 2 }, admin.Call);
        var first = await backend.NextStartAsync("Square");
        var second = await backend.NextStartAsync("Square");
        Assert.NotEqual(first.TaskId, second.TaskId);
        Assert.Equal(2, server.Host.Scheduler.GetFunctionById(v1.FunctionIds["Square"]).Autoscaler.MinContainers);

        var v2 = await ServerFixture.DeployAsync(admin, "scaled");
        Assert.Equal(0, server.Host.Scheduler.GetFunctionById(v2.FunctionIds["Square"]).Autoscaler.MinContainers);
        Assert.IsType<InvalidError>(await TestConnection.FailureAsync(async () =>
            await admin.Api.FunctionUpdateAutoscalerAsync(new FunctionUpdateAutoscalerRequest { FunctionId = v2.FunctionIds["Square"], MinContainers = 5, MaxContainers = 1 }, admin.Call)));
    }
}

public class DeployValidationTests
{
    [Fact]
    public async Task An_app_name_that_would_leave_the_state_directory_is_refused()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        var error = await TestConnection.FailureAsync(() => ServerFixture.DeployAsync(admin, "../escape"));
        Assert.IsType<InvalidError>(error);
        Assert.Contains("not a valid app name", error.Message);
    }
}
