using Docker.DotNet;
using Docker.DotNet.Models;
using Modal.Backends.Docker;

namespace Modal.Docker.Tests.Support;

/// <summary>The real engine the tests run against, and helpers to look at its containers.</summary>
public static class DockerEngine
{
    public const string SocketPath = "/var/run/docker.sock";

    /// <summary>
    /// Fails (never skips) when no engine runs: these tests are the proof that the Docker backend works, so a machine
    /// without an engine must show red, with what to do about it.
    /// </summary>
    public static void EnsureRunning()
    {
        if (!File.Exists(SocketPath))
        {
            throw new InvalidOperationException(
                $"The Docker backend tests need a running Docker engine at {SocketPath}, and there is none. Run the Docker setup at the top of .ci/run " +
                "(it installs docker.io, runsc and debootstrap, registers runsc in /etc/docker/daemon.json and starts dockerd --bridge=none --iptables=false), " +
                "or the whole `bash .ci/run`.");
        }
    }

    public static DockerClient Connect() => new DockerClientConfiguration(new Uri("unix://" + SocketPath)).CreateClient();

    /// <summary>Containers carrying <paramref name="label"/>=<paramref name="value"/>, running or not.</summary>
    public static async Task<IList<ContainerListResponse>> ContainersAsync(string label, string value)
    {
        using var docker = Connect();
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{label}={value}"] = true } },
        });
    }

    /// <summary>Waits for a running container of <paramref name="function"/> in app <paramref name="appId"/>.</summary>
    public static async Task<ContainerListResponse> RunningContainerAsync(string appId, string function, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = (await ContainersAsync(DockerLabels.AppId, appId))
                .FirstOrDefault(c => c.State == "running" && c.Labels.TryGetValue(DockerLabels.FunctionName, out var name) && name == function);
            if (match is not null)
            {
                return match;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No running container of {function} in app {appId} within {timeout}.");
            }

            await Task.Delay(100);
        }
    }
}
