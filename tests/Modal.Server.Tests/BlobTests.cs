using Google.Protobuf;
using Grpc.Core;
using MessagePack;
using Modal.Protocol;

namespace Modal.Server.Tests;

/// <summary>Blobs (payloads over 2 MiB, deploy files) are shared on disk by content but read only by the workspace that uploaded them.</summary>
public class BlobTests
{
    private static readonly byte[] Content = Enumerable.Range(0, 3 * 1024 * 1024).Select(i => (byte)(i * 31)).ToArray();

    [Fact]
    public async Task A_token_of_another_workspace_cannot_read_or_use_a_blob_it_did_not_upload()
    {
        var backend = new RecordingBackend();
        var server = await ServerFixture.StartAsync(backend: backend);
        server.KeepState = true;
        var otherToken = await server.TokenOfWorkspaceAsync("other");
        string blobId;
        using (var admin = server.Connect())
        using (var other = server.Connect(otherToken))
        {
            blobId = await Payloads.UploadAsync(admin.Api.BlobPut(admin.Call), Content, CancellationToken.None);
            Assert.Equal(Content, await Payloads.DownloadAsync(admin.Api.BlobGet(new BlobGetRequest { BlobId = blobId }, admin.Call), CancellationToken.None));
            Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(() =>
                Payloads.DownloadAsync(other.Api.BlobGet(new BlobGetRequest { BlobId = blobId }, other.Call), CancellationToken.None)));

            // Nor can it pass the blob as an input of its own function, or deploy a file it never uploaded.
            var deployed = await ServerFixture.DeployAsync(other, "others");
            var map = new FunctionMapRequest { FunctionId = deployed.FunctionIds["SumBytes"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
            map.PipelinedInputs.Add(new FunctionInput { Idx = 0, Args = new Payload { BlobId = blobId } });
            Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () => await other.Api.FunctionMapAsync(map, other.Call)));
            var missing = new DeployMissingFilesRequest();
            missing.Files.Add(new DeployFile { Path = "data.bin", Sha256 = blobId, Size = Content.Length });
            Assert.Equal([blobId], (await other.Platform.DeployMissingFilesAsync(missing, other.Call)).MissingSha256);
            Assert.Empty((await admin.Platform.DeployMissingFilesAsync(missing, admin.Call)).MissingSha256);
        }

        await server.DisposeAsync();

        // Ownership survives a restart; uploading the same content makes it the other workspace's too.
        await using var restarted = await ServerFixture.StartAsync(backend: new RecordingBackend(), stateDirectory: server.StateDirectory);
        using var adminAgain = restarted.Connect();
        using var otherAgain = restarted.Connect(otherToken);
        Assert.Equal(Content, await Payloads.DownloadAsync(adminAgain.Api.BlobGet(new BlobGetRequest { BlobId = blobId }, adminAgain.Call), CancellationToken.None));
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(() =>
            Payloads.DownloadAsync(otherAgain.Api.BlobGet(new BlobGetRequest { BlobId = blobId }, otherAgain.Call), CancellationToken.None)));
        Assert.Equal(blobId, await Payloads.UploadAsync(otherAgain.Api.BlobPut(otherAgain.Call), Content, CancellationToken.None));
        Assert.Equal(Content, await Payloads.DownloadAsync(otherAgain.Api.BlobGet(new BlobGetRequest { BlobId = blobId }, otherAgain.Call), CancellationToken.None));
    }

    [Fact]
    public async Task A_worker_reads_its_workspaces_blob_input_and_its_blob_output_reaches_the_caller()
    {
        await using var server = await ServerFixture.StartAsync();
        using var admin = server.Connect();
        var deployed = await ServerFixture.DeployAsync(admin, "blobby");
        var args = MessagePackSerializer.Serialize(new object[] { Content });
        var argsBlob = await Payloads.UploadAsync(admin.Api.BlobPut(admin.Call), args, CancellationToken.None);
        var sum = new FunctionMapRequest { FunctionId = deployed.FunctionIds["SumBytes"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
        sum.PipelinedInputs.Add(new FunctionInput { Idx = 0, Args = new Payload { BlobId = argsBlob } });
        var output = await OutputAsync(admin, (await admin.Api.FunctionMapAsync(sum, admin.Call)).FunctionCallId);
        Assert.Equal(ResultStatus.Success, output.Status);
        Assert.Equal(Content.Sum(b => (long)b), MessagePackSerializer.Deserialize<long>(output.Data.Inline.Memory));

        // Blob(size) returns more than 2 MiB: the worker uploads it through the container API, and the caller reads it.
        var blob = new FunctionMapRequest { FunctionId = deployed.FunctionIds["Blob"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
        blob.PipelinedInputs.Add(Inputs.Square(0, 3 * 1024 * 1024));
        var big = await OutputAsync(admin, (await admin.Api.FunctionMapAsync(blob, admin.Call)).FunctionCallId);
        Assert.Equal(Payload.DataOneofCase.BlobId, big.Data.DataCase);
        var bytes = await Payloads.DownloadAsync(admin.Api.BlobGet(new BlobGetRequest { BlobId = big.Data.BlobId }, admin.Call), CancellationToken.None);
        Assert.Equal(3 * 1024 * 1024, MessagePackSerializer.Deserialize<byte[]>(bytes).Length);

        using var other = server.Connect(await server.TokenOfWorkspaceAsync("other"));
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(() =>
            Payloads.DownloadAsync(other.Api.BlobGet(new BlobGetRequest { BlobId = big.Data.BlobId }, other.Call), CancellationToken.None)));
    }

    private static async Task<FunctionResult> OutputAsync(TestConnection connection, string callId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            using var stream = connection.Api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = callId }, connection.Call.WithCancellationToken(timeout.Token));
            await foreach (var batch in stream.ResponseStream.ReadAllAsync(timeout.Token))
            {
                if (batch.Outputs.Count > 0)
                {
                    return batch.Outputs[0].Result;
                }
            }
        }
    }
}
