using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Google.Protobuf;
using Grpc.Core;
using MessagePack;
using Modal.Auth;
using Modal.Backends.Docker;
using Modal.ControlPlane;
using Modal.Docker.Tests.Support;
using Modal.Images;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Docker.Tests;

/// <summary>
/// A remote deploy to a server on the Docker backend, through the platform API as `modal deploy` calls it: the build
/// log streams to the client while the build runs, a failed build deploys nothing and the previous version keeps
/// serving, and a private registry's credentials come from the server's secret store.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ServerDeployTests : IAsyncLifetime
{
    private const string AppName = "docker-deploys";
    private readonly string _nonce = Guid.NewGuid().ToString("N");
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "modal-docker-server-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly LineLog _serverBuildLog = new();
    private DockerBackend _backend = null!;
    private ControlPlaneHost _host = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private Metadata _token = null!;

    private PlatformApi.PlatformApiClient Platform => new(_channel);

    private ModalApi.ModalApiClient Api => new(_channel);

    public async Task InitializeAsync()
    {
        DockerEngine.EnsureRunning();
        _backend = await DockerBackend.CreateAsync(new DockerBackendOptions { Stdout = new LineLog(), Stderr = new LineLog(), Images = new ImageBuildOptions { Log = _serverBuildLog } });
        _host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { StateDirectory = _stateDirectory, ServerMode = new ServerModeOptions(), Backend = _backend });
        var admin = (await _host.BootstrapAsync())!;
        _channel = ModalGrpcChannel.Create(_host.Address);
        _token = new Metadata { { "x-modal-token-id", admin.TokenId }, { "x-modal-token-secret", admin.TokenSecret } };
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
        await _backend.DisposeAsync();
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task The_build_log_streams_while_the_build_runs_and_a_failed_build_leaves_the_previous_version_serving()
    {
        var v1 = (await DeployAsync(Echo(image: null), _ => { })).Result!;
        Assert.Equal($"v1 {_nonce}", await CallEchoAsync(v1.FunctionIds["Echo"], $"v1 {_nonce}"));
        await AssertLoggedAsync($"stdout v1 {_nonce}", isError: false);
        await AssertLoggedAsync($"stderr v1 {_nonce}", isError: true);

        // The step prints a line, then waits until the test has seen that line on the deploy stream (it opens a port
        // the step polls), then fails: the deploy can only finish if the log reached the client while the step ran.
        using var gate = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        gate.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)gate.LocalEndPoint!).Port;
        var failing = Echo(new ImageManifest
        {
            Steps =
            [
                new ImageStepManifest { Kind = ImageStepKinds.DebianSlim },
                new ImageStepManifest
                {
                    Kind = ImageStepKinds.RunCommands,
                    Args = [$"echo early-{_nonce}", $"until bash -c 'echo > /dev/tcp/127.0.0.1/{port}' 2>/dev/null; do sleep 0.2; done", $"echo late-{_nonce}", "exit 7"],
                },
            ],
        });
        var lines = new List<string>();
        var error = await Assert.ThrowsAsync<RpcException>(() => DeployAsync(failing, line =>
        {
            lines.Add(line);
            if (line.Contains($"early-{_nonce}", StringComparison.Ordinal))
            {
                gate.Listen();
            }
        }));

        var typed = ModalErrorCodec.FromRpcException(error);
        Assert.IsType<InvalidError>(typed);
        Assert.Contains("Image build failed at step 1 (run_commands", typed.Message);
        Assert.Contains("exited with code 7", typed.Message);
        Assert.Contains(lines, l => l.StartsWith("=> Step 1/1: run_commands", StringComparison.Ordinal));
        Assert.True(
            lines.FindIndex(l => l.Contains($"early-{_nonce}", StringComparison.Ordinal)) < lines.FindIndex(l => l.Contains($"late-{_nonce}", StringComparison.Ordinal)),
            string.Join(Environment.NewLine, lines));

        // Nothing was deployed: version 1 is still the only one, the name still finds it, and it still answers.
        var history = (await Platform.AppHistoryAsync(new AppHistoryRequest { Name = AppName }, _token)).Versions;
        Assert.Equal([1], history.Select(v => v.Version));
        Assert.Equal(v1.FunctionIds["Echo"], (await Api.FunctionGetAsync(new FunctionGetRequest { AppName = AppName, FunctionName = "Echo" }, _token)).FunctionId);
        Assert.Equal($"still {_nonce}", await CallEchoAsync(v1.FunctionIds["Echo"], $"still {_nonce}"));
    }

    [Fact]
    public async Task A_private_registry_recipe_reads_its_credentials_from_the_server_secret_store()
    {
        var password = "pw-" + _nonce[..8];
        await using var registry = new FakeRegistry("deployer", password);
        await Platform.SecretCreateAsync(
            new SecretCreateRequest { Name = "registry-creds", Values = { ["REGISTRY_USERNAME"] = "deployer", ["REGISTRY_PASSWORD"] = password } }, _token);
        var reference = $"127.0.0.1:{registry.Port}/private/app:{_nonce}";
        var image = new ImageManifest { Steps = [new ImageStepManifest { Kind = ImageStepKinds.FromRegistry, Args = [reference, "registry-creds"] }] };

        var lines = new List<string>();
        var error = await Assert.ThrowsAsync<RpcException>(() => DeployAsync(Echo(image), lines.Add));

        Assert.Contains($"deployer:{password}", registry.Credentials);
        Assert.Contains($"Pulling {reference} failed", ModalErrorCodec.FromRpcException(error).Message);
        Assert.Contains(lines, l => l.Contains($"FromRegistry", StringComparison.Ordinal) || l.Contains(reference, StringComparison.Ordinal));
        // The password never reaches the log.
        Assert.DoesNotContain(lines.Concat(_serverBuildLog.Lines), l => l.Contains(password, StringComparison.Ordinal));
    }

    private static FunctionManifest Echo(ImageManifest? image)
    {
        var attribute = typeof(DockerTestApp.DockerTestApp).Assembly.GetCustomAttribute<Modal.Dispatch.ModalRegistryAttribute>()!;
        var manifest = AppManifest.Parse(((Modal.Dispatch.IModalRegistry)Activator.CreateInstance(attribute.RegistryType, nonPublic: true)!).ManifestJson);
        return manifest.Functions.Single(f => f.Name == "Echo") with { Image = image };
    }

    /// <summary>Uploads the app assembly and deploys it with only <paramref name="echo"/>, through the streaming deploy.</summary>
    private async Task<AppDeployProgress> DeployAsync(FunctionManifest echo, Action<string> onLine)
    {
        const string assembly = "Modal.DockerTestApp.dll";
        var bytes = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, assembly));
        var file = new DeployFile { Path = assembly, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), Size = bytes.Length };
        if ((await Platform.DeployMissingFilesAsync(new DeployMissingFilesRequest { Files = { file } }, _token)).MissingSha256.Count > 0)
        {
            await Payloads.UploadAsync(Api.BlobPut(_token), bytes, CancellationToken.None);
        }

        var request = new AppDeployRequest { Name = AppName, AssemblyFile = assembly, ManifestJson = BuiltLayers.ManifestJson(echo), Files = { file } };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var call = Platform.AppDeployStream(request, _token, cancellationToken: timeout.Token);
        AppDeployProgress? result = null;
        await foreach (var progress in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            if (progress.ProgressCase == AppDeployProgress.ProgressOneofCase.BuildLog)
            {
                onLine(progress.BuildLog);
            }
            else
            {
                result = progress;
            }
        }

        return result ?? throw new Xunit.Sdk.XunitException("The deploy stream ended without a result.");
    }

    // The container's output reaches `modal app logs` of the deployed app; the pump may lag the result a little.
    private async Task AssertLoggedAsync(string text, bool isError)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var entries = (await Platform.AppLogsAsync(new AppLogsRequest { AppName = AppName }, _token)).Entries;
            if (entries.FirstOrDefault(e => e.Data.Contains(text, StringComparison.Ordinal)) is { } entry)
            {
                Assert.Equal(isError ? 2 : 1, entry.Fd);
                return;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    private async Task<string> CallEchoAsync(string functionId, string marker)
    {
        var map = new FunctionMapRequest
        {
            FunctionId = functionId,
            InvocationType = FunctionCallInvocationType.Sync,
            CallType = FunctionCallType.Unary,
            InputsComplete = true,
            PipelinedInputs = { new FunctionInput { Idx = 0, Args = new Payload { Inline = ByteString.CopyFrom(MessagePackSerializer.Serialize(new[] { marker })) } } },
        };
        var created = await Api.FunctionMapAsync(map, _token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (true)
        {
            using var outputs = Api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = created.FunctionCallId }, _token, cancellationToken: timeout.Token);
            await foreach (var response in outputs.ResponseStream.ReadAllAsync(timeout.Token))
            {
                if (response.Outputs.FirstOrDefault() is { } output)
                {
                    return output.Result.Status == ResultStatus.Success
                        ? MessagePackSerializer.Deserialize<string>(output.Result.Data.Inline.Memory)
                        : throw new Xunit.Sdk.XunitException($"Echo failed: {output.Result.Status} {output.Result.Error?.Type}: {output.Result.Error?.Message}");
                }
            }
        }
    }
}
