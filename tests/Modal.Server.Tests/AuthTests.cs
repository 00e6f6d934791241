using Modal.Protocol;

namespace Modal.Server.Tests;

public class AuthTests
{
    [Fact]
    public async Task Calls_without_a_token_or_with_a_wrong_one_get_AuthError()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var anonymous = new TestConnection(server.Host.Address, null, null);
        var missing = await TestConnection.FailureAsync(async () => await anonymous.Platform.AppListAsync(new AppListRequest(), anonymous.Call));
        Assert.IsType<AuthError>(missing);
        Assert.Contains("MODAL_TOKEN_ID", missing.Message);

        using var wrong = new TestConnection(server.Host.Address, server.Admin.TokenId, "as-wrong");
        Assert.IsType<AuthError>(await TestConnection.FailureAsync(async () =>
            await wrong.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "testapp", FunctionName = "Square" }, wrong.Call)));

        using var admin = server.Connect();
        var who = await admin.Platform.WhoAmIAsync(new WhoAmIRequest(), admin.Call);
        Assert.Equal("default", who.Workspace);
        Assert.Equal(server.Admin.TokenId, who.TokenId);
    }

    [Fact]
    public async Task Workspaces_isolate_apps_calls_and_secrets()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        using var other = server.Connect(await server.TokenOfWorkspaceAsync("other"));
        var deployed = await ServerFixture.DeployAsync(admin, "isolated");
        await admin.Platform.SecretCreateAsync(new SecretCreateRequest { Name = "db", Values = { ["PASSWORD"] = "hunter2" } }, admin.Call);
        var map = new FunctionMapRequest { FunctionId = deployed.FunctionIds["Square"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
        map.PipelinedInputs.Add(Inputs.Square(0, 3));
        var call = await admin.Api.FunctionMapAsync(map, admin.Call);

        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () =>
            await other.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "isolated", FunctionName = "Square" }, other.Call)));
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () =>
            await other.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = call.FunctionCallId }, other.Call)));
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () =>
            await other.Api.FunctionMapAsync(map, other.Call)));
        Assert.Empty((await other.Platform.SecretListAsync(new SecretListRequest(), other.Call)).Secrets);
        Assert.Empty((await other.Platform.AppListAsync(new AppListRequest(), other.Call)).Apps);

        // The owner still sees all of it.
        Assert.Equal(deployed.FunctionIds["Square"], (await admin.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "isolated", FunctionName = "Square" }, admin.Call)).FunctionId);
        Assert.Single((await admin.Platform.SecretListAsync(new SecretListRequest(), admin.Call)).Secrets);
    }

    [Fact]
    public async Task Two_workspaces_may_each_deploy_an_app_of_the_same_name_and_each_finds_its_own()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        using var other = server.Connect(await server.TokenOfWorkspaceAsync("other"));
        var mine = await ServerFixture.DeployAsync(admin, "shared-name");
        var theirs = await ServerFixture.DeployAsync(other, "shared-name");
        Assert.NotEqual(mine.FunctionIds["Square"], theirs.FunctionIds["Square"]);

        // The newer deploy (the other workspace's) must neither hide the first one nor retire it.
        var request = new FunctionGetRequest { AppName = "shared-name", FunctionName = "Square" };
        Assert.Equal(mine.FunctionIds["Square"], (await admin.Api.FunctionGetAsync(request, admin.Call)).FunctionId);
        Assert.Equal(theirs.FunctionIds["Square"], (await other.Api.FunctionGetAsync(request, other.Call)).FunctionId);
    }

    [Fact]
    public async Task A_task_token_acts_for_its_task_and_RestrictModalAccess_refuses_every_platform_call()
    {
        var backend = new RecordingBackend();
        await using var server = await ServerFixture.StartAsync(backend: backend);
        using var admin = server.Connect();
        var manifest = ServerFixture.Manifest(f => f.Name == "Add" ? f with { RestrictModalAccess = true } : f);
        var deployed = await ServerFixture.DeployAsync(admin, "restricted", manifest);

        foreach (var (function, restricted) in new[] { ("Square", false), ("Add", true) })
        {
            var map = new FunctionMapRequest { FunctionId = deployed.FunctionIds[function], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
            map.PipelinedInputs.Add(Inputs.Square(0, 1));
            await admin.Api.FunctionMapAsync(map, admin.Call);
            var spec = await backend.NextStartAsync(function);
            Assert.Equal(spec.TaskId, spec.Environment["MODAL_TOKEN_ID"]);
            using var task = new TestConnection(server.Host.Address, spec.Environment["MODAL_TOKEN_ID"], spec.Environment["MODAL_TOKEN_SECRET"]);
            var lookup = new FunctionGetRequest { AppName = "restricted", FunctionName = "Square" };
            if (restricted)
            {
                var error = await TestConnection.FailureAsync(async () => await task.Api.FunctionGetAsync(lookup, task.Call));
                Assert.IsType<AuthError>(error);
                Assert.Contains("RestrictModalAccess", error.Message);
            }
            else
            {
                Assert.Equal(deployed.FunctionIds["Square"], (await task.Api.FunctionGetAsync(lookup, task.Call)).FunctionId);
            }

            // Whatever the function, a task token cannot deploy, mint tokens or read secrets.
            Assert.IsType<AuthError>(await TestConnection.FailureAsync(async () => await task.Platform.TokenCreateAsync(new TokenCreateRequest(), task.Call)));
        }
    }
}
