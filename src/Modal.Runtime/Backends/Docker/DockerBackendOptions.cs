using Modal.Images;

namespace Modal.Backends.Docker;

/// <summary>Settings of the Docker backend, bound from the environment by <see cref="FromEnvironment"/>.</summary>
public sealed record DockerBackendOptions
{
    /// <summary>The engine's socket when <c>DOCKER_HOST</c> is unset.</summary>
    public static readonly Uri DefaultEndpoint = new("unix:///var/run/docker.sock");

    /// <summary>The engine's API address (<c>DOCKER_HOST</c>); only local Unix sockets are supported, since containers mount host paths.</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Modal.Worker.dll; null uses <c>MODAL_WORKER_PATH</c>, then the file next to Modal.Runtime.dll.</summary>
    public string? WorkerPath { get; init; }

    /// <summary>
    /// The .NET installation mounted read-only into containers (they need no runtime of their own); null uses the one
    /// running this process.
    /// </summary>
    public string? DotnetRoot { get; init; }

    /// <summary>The OCI runtime of ordinary functions (<c>MODAL_DOCKER_RUNTIME</c>); <c>runsc</c> sandboxes every function.</summary>
    public string DefaultRuntime { get; init; } = "runc";

    /// <summary>The gVisor runtime that <c>RestrictModalAccess</c> functions run under (<c>MODAL_DOCKER_SANDBOX_RUNTIME</c>).</summary>
    public string SandboxRuntime { get; init; } = "runsc";

    /// <summary>How long a stopped container gets after SIGTERM before it is killed.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where containers' stdout goes (the worker prefixes each line with function and input); null is this process's stdout.</summary>
    public TextWriter? Stdout { get; init; }

    /// <summary>Where containers' stderr goes; null is this process's stderr.</summary>
    public TextWriter? Stderr { get; init; }

    public ImageBuildOptions Images { get; init; } = new();

    public static DockerBackendOptions FromEnvironment()
    {
        var options = new DockerBackendOptions { Images = ImageBuildOptions.FromEnvironment() };
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host)
        {
            options = options with { Endpoint = new Uri(host) };
        }

        if (Environment.GetEnvironmentVariable("MODAL_DOCKER_RUNTIME") is { Length: > 0 } runtime)
        {
            options = options with { DefaultRuntime = runtime };
        }

        if (Environment.GetEnvironmentVariable("MODAL_DOCKER_SANDBOX_RUNTIME") is { Length: > 0 } sandbox)
        {
            options = options with { SandboxRuntime = sandbox };
        }

        return options;
    }
}
