namespace Modal.Images;

/// <summary>A local file or folder bound read-only into every container of the image when it starts.</summary>
/// <param name="HostPath">Absolute path on the control plane's machine.</param>
/// <param name="ContainerPath">Absolute path inside the container.</param>
public sealed record ImageMount(string HostPath, string ContainerPath);
