using Modal.Docker.Tests.Support;
using Modal.Manifest;
using static Modal.DockerTestApp.DockerTestApp;

namespace Modal.Docker.Tests;

/// <summary>CPU and memory settings become cgroup limits, and requests no node can hold are refused at deploy.</summary>
[Collection(DockerCollection.Name)]
public sealed class ResourceTests(DockerAppFixture app)
{
    [Fact]
    public async Task Going_over_the_memory_limit_is_an_OOM_kill_that_reaches_the_caller_naming_the_limit()
    {
        var error = await Assert.ThrowsAnyAsync<ModalException>(() => Functions.Hog.RemoteAsync(400));

        Assert.True(error.Message.Contains("out-of-memory", StringComparison.Ordinal), error.Message);
        Assert.Contains("memory limit of 150 MiB", error.Message);
        Assert.Contains("MemoryLimit", error.Message);
    }

    [Fact]
    public async Task Memory_within_the_limit_is_fine()
    {
        Assert.Equal(20L * 1024 * 1024, await Functions.Hog.RemoteAsync(20));
    }

    [Fact]
    public async Task CpuLimit_is_the_container_cgroup_quota()
    {
        Assert.Equal(1.5, await Functions.CpuLimit.RemoteAsync(), precision: 3);
    }

    [Fact]
    public void A_CPU_request_larger_than_the_node_is_refused_at_deploy()
    {
        var cpus = app.Backend.Capacity.Cpus + 1;
        var function = Function("Big") with { Resources = new ResourcesManifest { Cpu = cpus } };

        var error = Assert.Throws<InvalidError>(() => app.Backend.Validate("big", [function]));

        Assert.Contains("function 'Big' requests", error.Message);
        Assert.Contains("(Cpu)", error.Message);
    }

    [Fact]
    public void A_memory_request_larger_than_the_node_is_refused_at_deploy()
    {
        var function = Function("Huge") with { Resources = new ResourcesManifest { MemoryMiB = (int)app.Backend.Capacity.MemoryMiB + 1024 } };

        var error = Assert.Throws<InvalidError>(() => app.Backend.Validate("huge", [function]));

        Assert.Contains("(Memory)", error.Message);
    }

    [Fact]
    public async Task EphemeralDisk_is_refused_at_deploy_exactly_when_the_engine_cannot_cap_a_container_disk()
    {
        // Ask the engine itself: a container with a disk cap is created only where the storage driver can enforce one.
        using var docker = DockerEngine.Connect();
        string? engineRefusal = null;
        try
        {
            var created = await docker.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters
            {
                Image = global::Modal.Images.ImageBuildOptions.DefaultBaseImage,
                Cmd = ["/bin/true"],
                HostConfig = new global::Docker.DotNet.Models.HostConfig { StorageOpt = new Dictionary<string, string> { ["size"] = "100M" } },
            });
            await docker.Containers.RemoveContainerAsync(created.ID, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        }
        catch (global::Docker.DotNet.DockerApiException ex)
        {
            engineRefusal = ex.ResponseBody;
        }

        var function = Function("Scratch") with { Resources = new ResourcesManifest { EphemeralDiskMiB = 512 } };
        if (engineRefusal is null)
        {
            Assert.Null(app.Backend.DiskQuota);
            app.Backend.Validate("scratch", [function]);
        }
        else
        {
            Assert.NotNull(app.Backend.DiskQuota);
            var error = Assert.Throws<InvalidError>(() => app.Backend.Validate("scratch", [function]));
            Assert.Contains("function 'Scratch' asks for 512 MiB of ephemeral disk (EphemeralDisk), which this engine cannot enforce", error.Message);
            Assert.Contains("pquota", error.Message);
        }
    }

    [Fact]
    public void Settings_the_docker_backend_does_not_honour_are_refused_by_name()
    {
        // Clusters need gang scheduling across containers, which the Docker backend does not do yet.
        var function = Function("Clustered") with { Cluster = new ClusterManifest { Size = 2 } };

        var error = Assert.Throws<InvalidError>(() => app.Backend.Validate("clustered", [function]));

        Assert.Contains("cluster=size 2", error.Message);
        Assert.Contains("docker backend", error.Message);
    }

    private static FunctionManifest Function(string name) => new() { Name = name, EntryKey = "Tests." + name };
}
