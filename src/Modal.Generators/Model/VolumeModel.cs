namespace Modal.Generators.Model;

/// <summary>A <c>[Volume]</c> mount.</summary>
internal sealed record VolumeModel(string MountPath, string Name);
