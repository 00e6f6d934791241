using Microsoft.Extensions.Logging;
using Modal.Backends;
using Modal.Scheduling;

namespace Modal.ControlPlane;

/// <summary>Settings of a control plane.</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>Directory for the SQLite database (<c>state.db</c>) and the blob store (<c>blobs/</c>).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Loopback port of the web gateway, which serves web endpoints by host name (<c>http://{workspace}--{app}-{function}.localhost:PORT</c>);
    /// 0 picks a free one. <c>modal server</c> uses 8000 unless told otherwise (<c>--web-port</c>).
    /// </summary>
    public int WebPort { get; init; }

    /// <summary>
    /// Path of Modal.Worker.dll that the local-process backend starts; null uses <c>MODAL_WORKER_PATH</c>, then the file
    /// next to Modal.Runtime.dll.
    /// </summary>
    public string? WorkerPath { get; init; }

    /// <summary>
    /// The container backend; null makes one of <see cref="BackendKind"/>, which is local processes
    /// (<see cref="LocalProcessBackend"/>) unless configured otherwise.
    /// </summary>
    public IContainerBackend? Backend { get; init; }

    /// <summary>
    /// Which backend to make when <see cref="Backend"/> is null: <c>local</c>, <c>docker</c> or <c>auto</c>; null reads
    /// <c>MODAL_BACKEND</c>, and local when that is unset too.
    /// </summary>
    public string? BackendKind { get; init; }

    /// <summary>
    /// The GPUs this node offers to functions with a <c>gpu</c> setting; null detects the node's real devices
    /// (<see cref="Modal.Gpus.Inventory.NodeGpuInventory"/>) the first time an app asks for a GPU. Only unit tests of
    /// placement inject another inventory.
    /// </summary>
    public Modal.Gpus.Inventory.IGpuInventory? GpuInventory { get; init; }

    /// <summary>Containers per function when the function does not set maxContainers.</summary>
    public int DefaultMaxContainers { get; init; } = Math.Max(2, System.Environment.ProcessorCount);

    /// <summary>The environment of apps that do not name one (<c>MODAL_ENVIRONMENT</c>).</summary>
    public string Environment { get; init; } = "main";

    /// <summary>The clock: deadlines, heartbeats, scale-down and result expiry all read it, so tests can move time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Platform logs; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>A container that sends no heartbeat (or any other call) for this long is counted dead.</summary>
    public TimeSpan ContainerHeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a container may take to say hello when its function sets no startupTimeout.</summary>
    public TimeSpan ContainerStartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>An ephemeral app whose client sends no AppHeartbeat for this long is stopped.</summary>
    public TimeSpan AppHeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long past an input's deadline the control plane waits for the container to report the timeout itself
    /// before it stops the container.
    /// </summary>
    public TimeSpan InputTimeoutGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopped container gets to exit before it is killed.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Period of the maintenance tick: scale-down, liveness, heartbeats of apps, expiry.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a completed synchronous call stays answerable by FunctionGetOutputs and FunctionCallGetInfo.</summary>
    public TimeSpan SyncCallRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Server mode (<c>modal server</c>): tokens, workspaces, secrets, deployments; null for an embedded control plane.</summary>
    public Modal.Auth.ServerModeOptions? ServerMode { get; init; }

    internal Modal.Auth.IContainerEnvironmentSource? ContainerEnvironment { get; init; }

    /// <summary>
    /// Receives every line a container writes (task id, whether it is stderr, the line) besides the console: server mode
    /// keeps them for <c>modal app logs</c>. The local backend reports them; others may not.
    /// </summary>
    internal Action<string, bool, string>? ContainerOutput { get; init; }

    internal QueueLimits QueueLimits { get; init; } = QueueLimits.Default;
}
