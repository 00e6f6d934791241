using Google.Protobuf;
using Grpc.Core;
using Modal.Manifest;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests;

/// <summary>The control plane over real gRPC on loopback, with the test playing the container.</summary>
public sealed class ControlPlaneGrpcTests
{
    [Fact]
    public async Task A_remote_call_goes_to_a_container_and_its_output_back_to_the_caller()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function("Square") with { TimeoutSeconds = 60, Concurrency = new ConcurrencyManifest { MaxInputs = 3 } });
        var functionId = app.FunctionIds["Square"];

        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = functionId,
            CallType = FunctionCallType.Unary,
            InvocationType = FunctionCallInvocationType.Sync,
            PipelinedInputs = { Inputs.Input(0) },
            InputsComplete = true,
        });
        Assert.StartsWith("fc-", map.FunctionCallId);
        var inputId = Assert.Single(map.InputIds);
        Assert.StartsWith("in-", inputId);

        var spec = await plane.Backend.NextStartAsync();
        Assert.StartsWith("ta-", spec.TaskId);
        Assert.Equal(plane.Host.Address.ToString().TrimEnd('/'), spec.Environment["MODAL_SERVER_URL"]);
        Assert.Equal(spec.TaskId, spec.Environment["MODAL_TASK_ID"]);
        Assert.Equal("1", spec.Environment["MODAL_IS_REMOTE"]);
        Assert.Equal("main", spec.Environment["MODAL_ENVIRONMENT"]);
        Assert.False(string.IsNullOrEmpty(spec.Environment["MODAL_TASK_TOKEN"]));

        await using var container = await TestContainer.ConnectAsync(plane.Containers, spec, credits: 1);
        Assert.Equal(app.AppId, container.Hello.AppId);
        Assert.Equal(functionId, container.Hello.FunctionId);
        Assert.Equal("Square", container.Hello.FunctionName);
        Assert.Equal("TestApp.Square", container.Hello.EntryKey);
        Assert.Equal(plane.Artifacts.Path, container.Hello.ArtifactDir);
        Assert.Equal("TestApp.dll", container.Hello.AssemblyFile);
        Assert.Equal(3, container.Hello.MaxConcurrentInputs);
        Assert.Equal(0, container.Hello.MaxInputs);
        Assert.Equal("Square", System.Text.Json.JsonDocument.Parse(container.Hello.FunctionManifestJson).RootElement.GetProperty("name").GetString());

        var input = await container.NextInputAsync();
        Assert.Equal(inputId, input.InputId);
        Assert.Equal(map.FunctionCallId, input.FunctionCallId);
        Assert.Equal(0, input.RetryCount);
        Assert.Equal(BitConverter.GetBytes(0), input.Args.Inline.ToByteArray());
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(input.DeadlineMs, now + 50_000, now + 61_000);

        await container.SucceedAsync(input, [42]);

        var outputs = await Inputs.ReadAllOutputsAsync(plane.Api, map.FunctionCallId);
        var output = Assert.Single(outputs);
        Assert.Equal(inputId, output.InputId);
        Assert.Equal(ResultStatus.Success, output.Result.Status);
        Assert.Equal([42], output.Result.Data.Inline.ToByteArray());

        var info = await plane.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = map.FunctionCallId });
        Assert.Equal(1, info.NumInputs);
        Assert.Equal(1, info.NumCompleted);
        Assert.True(info.CompletedAtMs > 0);
    }

    [Fact]
    public async Task A_map_streams_outputs_in_chunks_and_reports_completion()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MaxContainers = 1 } });
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = app.FunctionIds["Square"],
            CallType = FunctionCallType.Map,
            PipelinedInputs = { Inputs.Range(0, 3) },
        });
        var more = await plane.Api.FunctionPutInputsAsync(new FunctionPutInputsRequest
        {
            FunctionCallId = map.FunctionCallId,
            Inputs = { Inputs.Range(3, 2) },
            InputsComplete = true,
        });
        Assert.Equal(2, more.InputIds.Count);

        var stream = plane.Api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = map.FunctionCallId }, cancellationToken: TestControlPlane.Deadline);
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Empty(stream.ResponseStream.Current.Outputs);
        Assert.Equal(5, stream.ResponseStream.Current.NumInputs);

        await using var container = await plane.ConnectNextContainerAsync(credits: 5);
        var seen = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var input = await container.NextInputAsync();
            await container.SucceedAsync(input, [(byte)input.Idx]);
        }

        while (await stream.ResponseStream.MoveNext(CancellationToken.None))
        {
            seen.AddRange(stream.ResponseStream.Current.Outputs.Select(o => o.Idx));
            if (stream.ResponseStream.Current.CallComplete)
            {
                Assert.Equal(5, stream.ResponseStream.Current.LastEntryId);
                break;
            }
        }

        Assert.Equal([0, 1, 2, 3, 4], seen.Order());
        var error = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionPutInputsAsync(new FunctionPutInputsRequest
        {
            FunctionCallId = map.FunctionCallId,
            Inputs = { Inputs.Input(5) },
        }).ResponseAsync);
        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(error));

        // Reconnecting with a cursor resumes after it.
        var rest = await Inputs.ReadAllOutputsAsync(plane.Api, map.FunctionCallId, after: 3);
        Assert.Equal(2, rest.Count);
    }

    [Fact]
    public async Task Container_calls_without_the_task_token_are_refused()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function());
        await plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = app.FunctionIds["Square"], PipelinedInputs = { Inputs.Input(0) }, InputsComplete = true });
        var spec = await plane.Backend.NextStartAsync();

        var missing = await Assert.ThrowsAsync<RpcException>(() => plane.Containers.ContainerHelloAsync(new ContainerHelloRequest { TaskId = spec.TaskId }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Equal("AuthError", TestControlPlane.ErrorClass(missing));

        var wrong = new Metadata { { "x-modal-task-id", spec.TaskId }, { "x-modal-task-token", "not-the-token" } };
        var refused = await Assert.ThrowsAsync<RpcException>(() => plane.Containers.ContainerHeartbeatAsync(new ContainerHeartbeatRequest { TaskId = spec.TaskId }, wrong).ResponseAsync);
        Assert.Equal("AuthError", TestControlPlane.ErrorClass(refused));

        var blob = await Assert.ThrowsAsync<RpcException>(() => plane.Containers.BlobGet(new BlobGetRequest { BlobId = new string('a', 64) }, wrong).ResponseStream.MoveNext());
        Assert.Equal("AuthError", TestControlPlane.ErrorClass(blob));
    }

    [Fact]
    public async Task A_broken_container_stream_requeues_its_input_with_the_next_retry_count()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function() with
        {
            Retries = new RetriesManifest { MaxRetries = 1, InitialDelaySeconds = 0, MaxDelaySeconds = 1 },
            Autoscaler = new AutoscalerManifest { MaxContainers = 1 },
        });
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = app.FunctionIds["Square"], PipelinedInputs = { Inputs.Input(7) }, InputsComplete = true });

        var first = await plane.ConnectNextContainerAsync();
        var input = await first.NextInputAsync();
        Assert.Equal(0, input.RetryCount);
        await first.DisposeAsync();

        var second = await plane.ConnectNextContainerAsync();
        var retried = await second.NextInputAsync();
        Assert.Equal(input.InputId, retried.InputId);
        Assert.Equal(1, retried.RetryCount);
        Assert.Contains(first.Spec.TaskId, plane.Backend.Stops);

        // The lost container's late answer is not a second output.
        var late = await Assert.ThrowsAsync<RpcException>(() => first.SucceedAsync(input, [1]));
        Assert.Equal("AuthError", TestControlPlane.ErrorClass(late));
        await second.SucceedAsync(retried, [2]);

        var output = Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, map.FunctionCallId));
        Assert.Equal(1, output.RetryCount);
        Assert.Equal([2], output.Result.Data.Inline.ToByteArray());
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_container_process_that_exits_without_retries_left_terminates_its_input()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function());
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = app.FunctionIds["Square"], PipelinedInputs = { Inputs.Input(0) }, InputsComplete = true });
        await using var container = await plane.ConnectNextContainerAsync();
        await container.NextInputAsync();

        plane.Backend.Exit(container.Spec.TaskId, 137);

        var output = Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, map.FunctionCallId));
        Assert.Equal(ResultStatus.Terminated, output.Result.Status);
        Assert.Contains("exited with code 137", output.Result.Error.Message);
    }

    [Fact]
    public async Task A_failure_is_retried_on_the_policy_and_the_final_failure_is_delivered()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function() with { Retries = new RetriesManifest { MaxRetries = 1, InitialDelaySeconds = 0, MaxDelaySeconds = 1 } });
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = app.FunctionIds["Square"], PipelinedInputs = { Inputs.Input(0) }, InputsComplete = true });
        await using var container = await plane.ConnectNextContainerAsync();

        var input = await container.NextInputAsync();
        await container.FailAsync(input, "boom 1");
        await container.CreditAsync(1);
        var retried = await container.NextInputAsync();
        Assert.Equal(1, retried.RetryCount);
        await container.FailAsync(retried, "boom 2");

        var output = Assert.Single(await Inputs.ReadAllOutputsAsync(plane.Api, map.FunctionCallId));
        Assert.Equal(ResultStatus.Failure, output.Result.Status);
        Assert.Equal("boom 2", output.Result.Error.Message);
        Assert.Equal("System.InvalidOperationException", output.Result.Error.Type);
        Assert.Equal(1, output.RetryCount);
    }

    [Fact]
    public async Task Queue_limits_are_enforced_over_grpc_with_the_resource_exhausted_trailer()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function());
        var functionId = app.FunctionIds["Square"];

        var tooMany = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = functionId,
            PipelinedInputs = { Inputs.Range(0, 2_001) },
        }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, tooMany.StatusCode);
        Assert.Equal("ResourceExhaustedError", TestControlPlane.ErrorClass(tooMany));
        Assert.Contains("2,000", tooMany.Status.Detail);

        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = functionId, PipelinedInputs = { Inputs.Range(0, 1_500) } });
        await plane.Api.FunctionPutInputsAsync(new FunctionPutInputsRequest { FunctionCallId = map.FunctionCallId, Inputs = { Inputs.Range(1_500, 500) } });
        var full = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionPutInputsAsync(new FunctionPutInputsRequest
        {
            FunctionCallId = map.FunctionCallId,
            Inputs = { Inputs.Input(2_000) },
            InputsComplete = true,
        }).ResponseAsync);
        Assert.Equal("ResourceExhaustedError", TestControlPlane.ErrorClass(full));

        var info = await plane.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = map.FunctionCallId });
        Assert.Equal(2_000, info.NumInputs);

        // Spawned inputs have their own, larger limit.
        var spawn = await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = functionId,
            InvocationType = FunctionCallInvocationType.Async,
            PipelinedInputs = { Inputs.Range(0, 5_000) },
            InputsComplete = true,
        });
        Assert.Equal(5_000, spawn.InputIds.Count);
    }

    [Fact]
    public async Task Cancelling_a_call_cancels_queued_inputs_and_tells_the_container_about_running_ones()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MaxContainers = 1 } });
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = app.FunctionIds["Square"], PipelinedInputs = { Inputs.Range(0, 3) } });
        await using var container = await plane.ConnectNextContainerAsync(credits: 1);
        var running = await container.NextInputAsync();

        await plane.Api.FunctionCallCancelAsync(new FunctionCallCancelRequest { FunctionCallId = map.FunctionCallId });

        var heartbeat = await container.HeartbeatAsync();
        Assert.Equal([running.InputId], heartbeat.CancelInputIds);
        Assert.False(heartbeat.Shutdown);
        await container.PutAsync(running, new FunctionResult { Status = ResultStatus.Cancelled });

        var outputs = await Inputs.ReadAllOutputsAsync(plane.Api, map.FunctionCallId);
        Assert.Equal(3, outputs.Count);
        Assert.All(outputs, o => Assert.Equal(ResultStatus.Cancelled, o.Result.Status));
        Assert.Empty((await container.HeartbeatAsync()).CancelInputIds);
    }

    [Fact]
    public async Task Stopping_an_app_fails_pending_calls_shuts_containers_down_and_hides_its_functions()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function() with { Autoscaler = new AutoscalerManifest { MaxContainers = 1 } });
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = app.FunctionIds["Square"], PipelinedInputs = { Inputs.Range(0, 2) } });
        await using var container = await plane.ConnectNextContainerAsync(credits: 1);
        await container.NextInputAsync();

        await plane.Api.AppStopAsync(new AppStopRequest { AppId = app.AppId });

        var outputs = await Inputs.ReadAllOutputsAsync(plane.Api, map.FunctionCallId);
        Assert.Equal(2, outputs.Count);
        Assert.All(outputs, o =>
        {
            Assert.Equal(ResultStatus.Terminated, o.Result.Status);
            Assert.Contains("was stopped", o.Result.Error.Message);
        });
        var shutdown = await container.NextMessageAsync();
        Assert.True(shutdown!.Shutdown);
        Assert.Contains(container.Spec.TaskId, plane.Backend.Stops);

        var lookup = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "test-app", FunctionName = "Square" }).ResponseAsync);
        Assert.Equal("NotFoundError", TestControlPlane.ErrorClass(lookup));
        var call = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = app.FunctionIds["Square"], PipelinedInputs = { Inputs.Input(0) } }).ResponseAsync);
        Assert.Equal("NotFoundError", TestControlPlane.ErrorClass(call));
    }

    [Fact]
    public async Task Functions_are_found_by_app_and_function_name()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function("Square"), Manifests.Function("Cube"));

        var found = await plane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "test-app", FunctionName = "Cube" });
        Assert.Equal(app.FunctionIds["Cube"], found.FunctionId);
        Assert.Equal(app.AppId, found.AppId);

        var noFunction = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "test-app", FunctionName = "Nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, noFunction.StatusCode);
        Assert.Equal("NotFoundError", TestControlPlane.ErrorClass(noFunction));
        Assert.Contains("Cube, Square", noFunction.Status.Detail);
        var noApp = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "other", FunctionName = "Square" }).ResponseAsync);
        Assert.Equal("NotFoundError", TestControlPlane.ErrorClass(noApp));

        var created = await plane.Api.FunctionCreateAsync(new FunctionCreateRequest
        {
            AppId = app.AppId,
            FunctionManifestJson = System.Text.Json.JsonSerializer.Serialize(Manifests.Function("Added"), AppManifest.JsonOptions),
        });
        Assert.Equal(created.FunctionId, (await plane.Api.FunctionGetAsync(new FunctionGetRequest { AppName = "test-app", FunctionName = "Added" })).FunctionId);
    }

    [Fact]
    public async Task Bad_ids_are_not_found()
    {
        await using var plane = await TestControlPlane.StartAsync();
        async Task Check(Func<Task> call)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Equal("NotFoundError", TestControlPlane.ErrorClass(error));
        }

        await Check(() => plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = "fu-missing" }).ResponseAsync);
        await Check(() => plane.Api.FunctionPutInputsAsync(new FunctionPutInputsRequest { FunctionCallId = "fc-missing" }).ResponseAsync);
        await Check(() => plane.Api.FunctionCallGetInfoAsync(new FunctionCallGetInfoRequest { FunctionCallId = "fc-missing" }).ResponseAsync);
        await Check(() => plane.Api.FunctionCallCancelAsync(new FunctionCallCancelRequest { FunctionCallId = "nonsense" }).ResponseAsync);
        await Check(() => plane.Api.AppStopAsync(new AppStopRequest { AppId = "ap-missing" }).ResponseAsync);
        await Check(() => plane.Api.AppHeartbeatAsync(new AppHeartbeatRequest { AppId = "ap-missing" }).ResponseAsync);
        await Check(() => plane.Api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = "fc-missing" }).ResponseStream.MoveNext());
        await Check(() => plane.Api.BlobGet(new BlobGetRequest { BlobId = new string('0', 64) }).ResponseStream.MoveNext());
    }

    [Fact]
    public async Task A_malformed_or_unsupported_manifest_is_an_invalid_error_that_says_why()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var malformed = await Assert.ThrowsAsync<RpcException>(() => plane.Api.AppCreateAsync(new AppCreateRequest
        {
            ArtifactDir = plane.Artifacts.Path,
            AssemblyFile = "TestApp.dll",
            ManifestJson = "{ not json",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(malformed));
        Assert.StartsWith("The Modal manifest is not valid JSON", malformed.Status.Detail);

        var unsupported = await Assert.ThrowsAsync<RpcException>(() => plane.CreateAppAsync(
            Manifests.Function("Square") with { Resources = new ResourcesManifest { Gpu = "H100" } }));
        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(unsupported));
        Assert.Equal(
            "Function 'Square' sets gpu=H100, which the recording backend does not support yet. Remove the setting or choose a backend that supports it.",
            unsupported.Status.Detail);

        var invalid = await Assert.ThrowsAsync<RpcException>(() => plane.CreateAppAsync(
            Manifests.Function("Square") with { Concurrency = new ConcurrencyManifest { MaxInputs = 2, TargetInputs = 5 } }));
        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(invalid));
        Assert.Contains("TargetInputs is 5", invalid.Status.Detail);

        var noArtifact = await Assert.ThrowsAsync<RpcException>(() => plane.Api.AppCreateAsync(new AppCreateRequest
        {
            ArtifactDir = plane.Artifacts.Combine("missing"),
            AssemblyFile = "TestApp.dll",
            ManifestJson = Manifests.App("x", Manifests.Function()).ToJson(),
        }).ResponseAsync);
        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(noArtifact));
    }

    [Fact]
    public async Task Max_inputs_one_makes_containers_single_use()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Manifests.Function() with { MaxInputs = 1, Autoscaler = new AutoscalerManifest { MaxContainers = 1 } });
        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest { FunctionId = app.FunctionIds["Square"], PipelinedInputs = { Inputs.Range(0, 2) }, InputsComplete = true });

        var first = await plane.ConnectNextContainerAsync(credits: 2);
        Assert.Equal(1, first.Hello.MaxInputs);
        var input = await first.NextInputAsync();
        await first.SucceedAsync(input, [1]);
        Assert.True((await first.NextMessageAsync())!.Shutdown);
        plane.Backend.Exit(first.Spec.TaskId, 0);

        await using var second = await plane.ConnectNextContainerAsync(credits: 1);
        var next = await second.NextInputAsync();
        Assert.NotEqual(input.InputId, next.InputId);
        await second.SucceedAsync(next, [2]);
        Assert.Equal(2, (await Inputs.ReadAllOutputsAsync(plane.Api, map.FunctionCallId)).Count);
        await first.DisposeAsync();
    }

    [Fact]
    public async Task Blobs_round_trip_through_both_services()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(2 * 1024 * 1024 + 100);

        var upload = plane.Api.BlobPut();
        for (var offset = 0; offset < content.Length; offset += 1024 * 1024)
        {
            await upload.RequestStream.WriteAsync(new BlobChunk { Data = ByteString.CopyFrom(content, offset, Math.Min(1024 * 1024, content.Length - offset)) });
        }

        await upload.RequestStream.CompleteAsync();
        var blobId = (await upload.ResponseAsync).BlobId;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), blobId);

        // A container reads it (with its token), and the big-payload input references it.
        var app = await plane.CreateAppAsync(Manifests.Function());
        await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = app.FunctionIds["Square"],
            PipelinedInputs = { new FunctionInput { Idx = 0, Args = new Payload { BlobId = blobId } } },
            InputsComplete = true,
        });
        await using var container = await plane.ConnectNextContainerAsync();
        var input = await container.NextInputAsync();
        Assert.Equal(blobId, input.Args.BlobId);

        var download = plane.Containers.BlobGet(new BlobGetRequest { BlobId = blobId }, container.Headers);
        var received = new List<byte>();
        while (await download.ResponseStream.MoveNext(CancellationToken.None))
        {
            received.AddRange(download.ResponseStream.Current.Data);
        }

        Assert.Equal(content, received.ToArray());

        var missingBlob = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = app.FunctionIds["Square"],
            PipelinedInputs = { new FunctionInput { Idx = 0, Args = new Payload { BlobId = new string('b', 64) } } },
        }).ResponseAsync);
        Assert.Equal("NotFoundError", TestControlPlane.ErrorClass(missingBlob));
        var oversized = await Assert.ThrowsAsync<RpcException>(() => plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = app.FunctionIds["Square"],
            PipelinedInputs = { new FunctionInput { Idx = 0, Args = new Payload { Inline = ByteString.CopyFrom(content) } } },
        }).ResponseAsync);
        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(oversized));
    }
}
