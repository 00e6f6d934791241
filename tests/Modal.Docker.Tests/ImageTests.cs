using Modal.Docker.Tests.Support;
using static Modal.DockerTestApp.DockerTestApp;

namespace Modal.Docker.Tests;

/// <summary>Functions run in containers of the images their recipes describe.</summary>
[Collection(DockerCollection.Name)]
public sealed class ImageTests(DockerAppFixture app)
{
    [Fact]
    public async Task A_package_installed_with_AptInstall_runs_inside_the_function()
    {
        var version = await Functions.JqVersion.RemoteAsync();

        Assert.StartsWith("jq-1.", version);
    }

    [Fact]
    public async Task Env_Workdir_a_copied_file_and_a_mounted_folder_are_all_in_the_container()
    {
        var described = await Functions.DescribeConfigured.RemoteAsync();

        Assert.Equal("hello from the image|/srv|hello from a local file|hello from a local file", described);
    }

    [Fact]
    public async Task A_Dockerfile_image_has_its_ARG_ENV_WORKDIR_RUN_COPY_and_an_entrypoint_that_execs_the_worker()
    {
        var described = await Functions.DescribeDockerfile.RemoteAsync();

        Assert.Equal("built by dockerfile|two|/app|dockerfile|hello from a local file|yes", described);
    }

    [Fact]
    public async Task Containers_get_the_platform_environment_with_their_image_id()
    {
        var environment = await Functions.PlatformEnvironment.RemoteAsync();

        Assert.StartsWith("ta-", environment["MODAL_TASK_ID"]);
        Assert.StartsWith("im-", environment["MODAL_IMAGE_ID"]);
        Assert.Equal("1", environment["MODAL_IS_REMOTE"]);
        Assert.Equal("main", environment["MODAL_ENVIRONMENT"]);
    }

    [Fact]
    public void The_deploy_streamed_build_progress_for_every_image()
    {
        var log = app.BuildLog.Lines;

        Assert.Contains(log, l => l.Contains("=> Step 1/1: apt_install jq", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("(Dockerfile line", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("Image im-", StringComparison.Ordinal) && l.Contains("ready in", StringComparison.Ordinal));
    }
}
