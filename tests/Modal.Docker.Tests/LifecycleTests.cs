using System.Diagnostics;
using Modal.Backends.Docker;
using Modal.Docker.Tests.Support;
using Modal.Manifest;
using Modal.Protocol;
using static Modal.DockerTestApp.DockerTestApp;

namespace Modal.Docker.Tests;

/// <summary>Containers are labelled, stream their output to the caller, are reaped after a crash, and a failed build aborts a deploy.</summary>
[Collection(DockerCollection.Name)]
public sealed class LifecycleTests(DockerAppFixture app)
{
    [Fact]
    public async Task Containers_carry_labels_with_their_app_function_and_task_ids()
    {
        var call = await Functions.Sleep.SpawnAsync(30_000);
        try
        {
            var container = await DockerEngine.RunningContainerAsync(app.Run.AppId, nameof(Functions.Sleep), TimeSpan.FromSeconds(30));
            var labels = container.Labels;

            Assert.Equal("true", labels[DockerLabels.Managed]);
            Assert.Equal(app.Run.AppId, labels[DockerLabels.AppId]);
            Assert.Equal("dockertestapp", labels[DockerLabels.AppName]);
            Assert.StartsWith("fu-", labels[DockerLabels.FunctionId]);
            Assert.StartsWith("ta-", labels[DockerLabels.TaskId]);
            Assert.StartsWith("im-", labels[DockerLabels.ImageId]);
            Assert.Equal("/modal-" + labels[DockerLabels.TaskId], container.Names.Single());
        }
        finally
        {
            await call.CancelAsync(terminateContainers: true);
        }
    }

    [Fact]
    public async Task Container_output_reaches_the_caller_prefixed_with_function_and_input()
    {
        var marker = Guid.NewGuid().ToString("N");

        await Functions.Echo.RemoteAsync(marker);

        var stdout = await app.Stdout.WaitForAsync(l => l.Contains($"stdout {marker}", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var stderr = await app.Stderr.WaitForAsync(l => l.Contains($"stderr {marker}", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.StartsWith("[Echo in-", stdout);
        Assert.StartsWith("[Echo in-", stderr);
    }

    [Fact]
    public async Task A_control_plane_that_starts_after_a_crash_reaps_the_containers_the_crash_left()
    {
        var stateDirectory = Directory.CreateTempSubdirectory("modal-crash-").FullName;
        var helper = Path.Combine(AppContext.BaseDirectory, "Modal.DockerTestApp.dll");
        using var process = Process.Start(new ProcessStartInfo(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet")
        {
            ArgumentList = { helper, "hold-container", stateDirectory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        string appId;
        try
        {
            var ready = await ReadReadyAsync(process, TimeSpan.FromMinutes(3));
            appId = ready["READY ".Length..].Trim();
            await DockerEngine.RunningContainerAsync(appId, nameof(Functions.Sleep), TimeSpan.FromSeconds(60));
        }
        finally
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }

        // SIGKILL: nothing in the control plane ran, so its container is still there.
        Assert.NotEmpty(await DockerEngine.ContainersAsync(DockerLabels.AppId, appId));

        await using var next = await DockerBackend.CreateAsync(new DockerBackendOptions());

        Assert.Empty(await DockerEngine.ContainersAsync(DockerLabels.AppId, appId));
        Directory.Delete(stateDirectory, recursive: true);
    }

    [Fact]
    public async Task A_failed_image_build_aborts_the_deploy_and_creates_nothing()
    {
        using var client = new ModalClient(app.Host.Address, new ModalOptions());
        var manifest = new AppManifest
        {
            SchemaVersion = AppManifest.CurrentSchemaVersion,
            App = "broken-image",
            Assembly = "Modal.DockerTestApp",
            Functions =
            [
                new FunctionManifest
                {
                    Name = "Broken",
                    EntryKey = "Modal.DockerTestApp.DockerTestApp.Echo",
                    Image = new ImageManifest
                    {
                        Steps =
                        [
                            new ImageStepManifest { Kind = ImageStepKinds.DebianSlim },
                            new ImageStepManifest { Kind = ImageStepKinds.RunCommands, Args = [$"echo {Guid.NewGuid():N}; exit 7"] },
                        ],
                    },
                },
            ],
        };

        var error = await Assert.ThrowsAsync<InvalidError>(() => client.AppCreateAsync(new AppCreateRequest
        {
            Name = "broken-image",
            State = AppState.Deployed,
            ArtifactDir = AppContext.BaseDirectory,
            AssemblyFile = "Modal.DockerTestApp.dll",
            ManifestJson = manifest.ToJson(),
        }, CancellationToken.None));

        Assert.Contains("exited with code 7", error.Message);
        await Assert.ThrowsAsync<NotFoundError>(() => client.GetFunctionIdAsync("broken-image", "Broken", CancellationToken.None).AsTask());
    }

    private static async Task<string> ReadReadyAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var errors = process.StandardError.ReadToEndAsync(cts.Token);
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The helper control plane exited before it was ready: {await errors}");
    }
}
