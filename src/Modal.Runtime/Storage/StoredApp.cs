using Modal.Protocol;

namespace Modal.Storage;

/// <summary>An app as the state store keeps it.</summary>
public sealed record StoredApp
{
    public required string AppId { get; init; }

    public required string Name { get; init; }

    public required AppState State { get; init; }

    public required string Environment { get; init; }

    public required string ArtifactDir { get; init; }

    public required string AssemblyFile { get; init; }

    public required string ManifestJson { get; init; }

    public required long CreatedAtMs { get; init; }
}
