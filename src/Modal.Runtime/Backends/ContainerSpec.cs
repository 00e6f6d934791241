using Modal.Manifest;

namespace Modal.Backends;

/// <summary>What a backend needs to start one container task for a function.</summary>
public sealed record ContainerSpec
{
    /// <summary>The task id (<c>ta-…</c>) the container says hello with.</summary>
    public required string TaskId { get; init; }

    /// <summary>The secret the container presents in <c>x-modal-task-token</c>.</summary>
    public required string TaskToken { get; init; }

    public required string AppId { get; init; }

    public required string AppName { get; init; }

    public required string FunctionId { get; init; }

    public required string FunctionName { get; init; }

    /// <summary>Environment variables of the container (MODAL_SERVER_URL, MODAL_TASK_ID, MODAL_TASK_TOKEN, …).</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>
    /// The function's manifest entry: container backends read its image, resources and sandboxing from it. Null when
    /// the caller has none (a backend then runs the function with platform defaults).
    /// </summary>
    public FunctionManifest? Function { get; init; }

    /// <summary>
    /// The GPUs assigned to this container, for a function with a <c>gpu</c> setting: a backend passes them on
    /// (environment, device requests) and must not start the function without them. Null for a function without GPUs.
    /// </summary>
    public Modal.Gpus.Placement.GpuAllocation? Gpus { get; init; }

    /// <summary>The app's build output folder on the control plane's machine, which a container backend mounts.</summary>
    public string? ArtifactDir { get; init; }
}
