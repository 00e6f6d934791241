namespace Modal.Gateway;

/// <summary>
/// Where a local container's web-frame socket lives (<see cref="WebFrameServer"/> listens there, <see cref="WebFrameClient"/>
/// connects): a directory of the task's own, so the control plane can check that a container names no other socket.
/// </summary>
internal static class WebFrameSocketPath
{
    private const string FileName = "web.sock";
    private const string DirectoryPrefix = "modal-web-";

    /// <summary>Where the container <paramref name="taskId"/> puts its socket: a directory of its own in <paramref name="parent"/>.</summary>
    public static string PathFor(string parent, string taskId) => Path.Combine(parent, DirectoryPrefix + taskId, FileName);

    /// <summary>
    /// Whether <paramref name="path"/> is one <see cref="PathFor"/> gives for <paramref name="taskId"/>: a container may
    /// name no other socket, so it cannot point the gateway's requests at some other service's socket on this machine.
    /// </summary>
    public static bool IsPathOf(string path, string taskId) =>
        Path.IsPathFullyQualified(path)
        && Path.GetFileName(path) == FileName
        && Path.GetFileName(Path.GetDirectoryName(path)) == DirectoryPrefix + taskId;
}
