using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using MessagePack;
using Modal.Protocol;

namespace Modal.Server.Tests;

/// <summary>`modal app logs`: what a deployed app's real workers write is kept per app name and streamed with -f.</summary>
public class LogTests
{
    [Fact]
    public async Task Container_output_of_a_deployed_app_is_kept_per_workspace_and_followed_by_the_cli()
    {
        await using var server = await ServerFixture.StartAsync();
        using var admin = server.Connect();
        var deployed = await ServerFixture.DeployAsync(admin, "logged");
        Assert.Equal(5, await PrintAsync(admin, deployed.FunctionIds["Print"], "first"));

        var entry = await WaitForLogAsync(admin, "logged", "first");
        Assert.Equal("Print", entry.FunctionName);
        Assert.Equal(deployed.AppId, entry.AppId);
        Assert.Equal(1, entry.Fd);
        Assert.StartsWith("in-", entry.InputId);

        // Another workspace sees nothing of it, even under the same app name.
        using var other = server.Connect(await server.TokenOfWorkspaceAsync("other"));
        Assert.Empty((await other.Platform.AppLogsAsync(new AppLogsRequest { AppName = "logged" }, other.Call)).Entries);

        // `modal app logs -f` prints what is there, then what comes.
        using var follow = CliProcess.Start(server.Host.Address, server.Admin, "app", "logs", "logged", "-f", "--json");
        Assert.Contains("\"first\"", await ReadLineWithAsync(follow, "first"));
        Assert.Equal(11, await PrintAsync(admin, deployed.FunctionIds["Print"], "second-7714"));
        using var line = JsonDocument.Parse(await ReadLineWithAsync(follow, "second-7714"));
        Assert.Equal("log", line.RootElement.GetProperty("kind").GetString());
        Assert.Equal("stdout", line.RootElement.GetProperty("stream").GetString());
        Assert.Equal("Print", line.RootElement.GetProperty("function").GetString());
        follow.Kill();
        await follow.WaitForExitAsync();
    }

    [Fact]
    public async Task Each_app_name_keeps_only_its_newest_entries()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        var store = server.Host.Platform!.Store;
        var keep = 50;
        var batch = Enumerable.Range(0, 120)
            .Select(i => new Modal.Auth.StoredLogEntry(0, "default", "main", i % 2 == 0 ? "noisy" : "quiet", "ap-x", "F", "ta-x", "", 1, "line " + i, i))
            .ToList();
        await store.AppendLogsAsync(batch, keep, CancellationToken.None);
        var noisy = await store.LogsAsync("default", "main", "noisy", 0, 1_000, CancellationToken.None);
        Assert.Equal(keep, noisy.Count);
        Assert.Equal("line 118", noisy[^1].Data);
        Assert.Equal("line 20", noisy[0].Data);
        Assert.Equal(keep, (await store.LogsAsync("default", "main", "quiet", 0, 1_000, CancellationToken.None)).Count);
    }

    private static async Task<int> PrintAsync(TestConnection connection, string functionId, string text)
    {
        var map = new FunctionMapRequest { FunctionId = functionId, InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
        map.PipelinedInputs.Add(new FunctionInput { Idx = 0, Args = new Payload { Inline = ByteString.CopyFrom(MessagePackSerializer.Serialize(new[] { text })) } });
        var call = await connection.Api.FunctionMapAsync(map, connection.Call);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            using var stream = connection.Api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = call.FunctionCallId }, connection.Call.WithCancellationToken(timeout.Token));
            await foreach (var batch in stream.ResponseStream.ReadAllAsync(timeout.Token))
            {
                if (batch.Outputs.Count > 0)
                {
                    return Inputs.ReadInt(batch.Outputs[0].Result);
                }
            }
        }
    }

    private static async Task<AppLogEntry> WaitForLogAsync(TestConnection connection, string appName, string text)
    {
        AppLogEntry? found = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (found is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' never reached the logs of {appName}");
            found = (await connection.Platform.AppLogsAsync(new AppLogsRequest { AppName = appName }, connection.Call)).Entries.FirstOrDefault(e => e.Data.Contains(text, StringComparison.Ordinal));
            await Task.Delay(100);
        }

        return found;
    }

    private static async Task<string> ReadLineWithAsync(System.Diagnostics.Process process, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new Xunit.Sdk.XunitException($"`modal app logs` ended before printing '{text}': {await process.StandardError.ReadToEndAsync()}");
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }
}
