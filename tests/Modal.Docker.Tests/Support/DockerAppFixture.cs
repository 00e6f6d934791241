using Modal.Backends.Docker;
using Modal.ControlPlane;
using Modal.DockerTestApp;
using Modal.Images;

namespace Modal.Docker.Tests.Support;

/// <summary>
/// One control plane on the Docker backend running the Docker test app, shared by every test of the collection (the
/// generated handles call through the process's current app). Container output and the build log are captured.
/// </summary>
public sealed class DockerAppFixture : IAsyncLifetime
{
    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "modal-docker-" + Guid.NewGuid().ToString("N")[..12]);

    public LineLog Stdout { get; } = new();

    public LineLog Stderr { get; } = new();

    public LineLog BuildLog { get; } = new();

    public DockerBackend Backend { get; private set; } = null!;

    public ControlPlaneHost Host { get; private set; } = null!;

    public AppRun Run { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DockerEngine.EnsureRunning();
        Directory.CreateDirectory(StateDirectory);
        Backend = await DockerBackend.CreateAsync(new DockerBackendOptions
        {
            Stdout = Stdout,
            Stderr = Stderr,
            Images = new ImageBuildOptions { Log = BuildLog },
        });
        Host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { StateDirectory = StateDirectory, Backend = Backend });
        Run = await DockerTestApp.DockerTestApp.RunAsync(new ModalOptions { ServerUrl = Host.Address, StateDirectory = StateDirectory });
    }

    public async Task DisposeAsync()
    {
        if (Run is not null)
        {
            await Run.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }

        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
