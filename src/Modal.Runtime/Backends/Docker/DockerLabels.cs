namespace Modal.Backends.Docker;

/// <summary>
/// The labels every container the platform starts carries, so `docker ps --filter label=modal.app-id=ap-…` finds an
/// app's containers and a restarted control plane finds the ones a crashed one left behind.
/// </summary>
public static class DockerLabels
{
    /// <summary>Marks containers (function tasks and image builds) the platform created and may remove.</summary>
    public const string Managed = "modal.managed";

    public const string AppId = "modal.app-id";

    public const string AppName = "modal.app";

    public const string FunctionId = "modal.function-id";

    public const string FunctionName = "modal.function";

    public const string TaskId = "modal.task-id";

    /// <summary>The <c>im-…</c> id of the container's image.</summary>
    public const string ImageId = "modal.image-id";

    /// <summary>The control plane process that owns the container; see <see cref="ContainerOwner"/>.</summary>
    public const string Owner = "modal.owner";
}
