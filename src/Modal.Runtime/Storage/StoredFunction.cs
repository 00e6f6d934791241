namespace Modal.Storage;

/// <summary>A function of an app, with its manifest entry as JSON.</summary>
public sealed record StoredFunction
{
    public required string FunctionId { get; init; }

    public required string AppId { get; init; }

    public required string Name { get; init; }

    public required string ManifestJson { get; init; }
}
