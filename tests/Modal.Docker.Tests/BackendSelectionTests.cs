using Microsoft.Extensions.Logging.Abstractions;
using Modal.Backends;
using Modal.Backends.Docker;
using Modal.ControlPlane;
using Modal.Docker.Tests.Support;

namespace Modal.Docker.Tests;

/// <summary>How a control plane picks its backend from configuration.</summary>
[Collection(DockerCollection.Name)]
public sealed class BackendSelectionTests
{
    private static readonly ControlPlaneOptions Options = new() { StateDirectory = Path.GetTempPath() };

    [Fact]
    public async Task Docker_is_chosen_by_name_and_local_stays_the_default()
    {
        await using var docker = await BackendSelection.CreateAsync(Options with { BackendKind = "docker" }, NullLoggerFactory.Instance, CancellationToken.None);
        await using var local = await BackendSelection.CreateAsync(Options with { BackendKind = "local" }, NullLoggerFactory.Instance, CancellationToken.None);

        Assert.IsType<DockerBackend>(docker);
        Assert.IsType<LocalProcessBackend>(local);
    }

    [Fact]
    public async Task Auto_detection_picks_the_running_engine_and_says_so()
    {
        var previous = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        IContainerBackend backend;
        try
        {
            backend = await BackendSelection.CreateAsync(Options with { BackendKind = "auto" }, NullLoggerFactory.Instance, CancellationToken.None);
        }
        finally
        {
            Console.SetError(previous);
        }

        await using (backend)
        {
            Assert.IsType<DockerBackend>(backend);
            Assert.Contains("using the docker backend (auto-detected", captured.ToString());
        }
    }

    [Fact]
    public async Task An_unknown_backend_name_is_an_error_listing_the_known_ones()
    {
        var error = await Assert.ThrowsAsync<InvalidError>(() => BackendSelection.CreateAsync(Options with { BackendKind = "kubernetes" }, NullLoggerFactory.Instance, CancellationToken.None));

        Assert.Contains("MODAL_BACKEND is 'kubernetes'", error.Message);
        Assert.Contains("local", error.Message);
        Assert.Contains("docker", error.Message);
    }
}
