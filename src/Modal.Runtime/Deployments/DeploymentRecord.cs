namespace Modal.Deployments;

/// <summary>One version of a deployed app: what was deployed (files and manifest) and the app it created.</summary>
internal sealed record DeploymentRecord
{
    public required string Workspace { get; init; }

    public required string Environment { get; init; }

    public required string Name { get; init; }

    public required int Version { get; init; }

    public required string AppId { get; init; }

    public required string AssemblyFile { get; init; }

    public required string ManifestJson { get; init; }

    /// <summary>The build output as JSON: [{path, sha256, size}], enough to rebuild the folder for a rollback.</summary>
    public required string FilesJson { get; init; }

    public required long DeployedAtMs { get; init; }

    public int RollbackOf { get; init; }

    public bool Stopped { get; init; }
}
