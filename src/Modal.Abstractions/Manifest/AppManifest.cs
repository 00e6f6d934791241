using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modal.Manifest;

/// <summary>
/// The build manifest (<c>modal.manifest.json</c>) written next to an app's assembly. Settings a user did not write
/// are absent (null) so the platform, not the build, owns the defaults. Schema: docs/manifest.md.
/// </summary>
public sealed record AppManifest
{
    /// <summary>The schema version this runtime reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The file name of the manifest next to the assembly.</summary>
    public const string FileName = "modal.manifest.json";

    public int SchemaVersion { get; init; }

    public required string App { get; init; }

    /// <summary>The assembly name the app was built into.</summary>
    public required string Assembly { get; init; }

    public IReadOnlyList<FunctionManifest> Functions { get; init; } = [];

    public IReadOnlyList<EntrypointManifest> Entrypoints { get; init; } = [];

    /// <summary>JSON options matching the generator's output (camelCase, nulls omitted).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>Parses a manifest, rejecting unknown schema versions and missing required fields with a clear message.</summary>
    public static AppManifest Parse(string json)
    {
        AppManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<AppManifest>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The Modal manifest is not valid JSON ({ex.Message}). Rebuild the app with `dotnet build` to regenerate {FileName}.", ex);
        }

        if (manifest is null)
        {
            throw new FormatException($"The Modal manifest is empty. Rebuild the app with `dotnet build` to regenerate {FileName}.");
        }

        if (manifest.SchemaVersion != CurrentSchemaVersion)
        {
            throw new FormatException(
                $"The Modal manifest has schema version {manifest.SchemaVersion}, but this runtime reads version {CurrentSchemaVersion}. " +
                "Rebuild the app against the same Modal version as the runtime.");
        }

        return manifest;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>A <c>[LocalEntrypoint]</c> method.</summary>
public sealed record EntrypointManifest
{
    public required string Name { get; init; }

    public IReadOnlyList<ParameterManifest> Parameters { get; init; } = [];
}

/// <summary>A parameter of a function or entrypoint.</summary>
public sealed record ParameterManifest
{
    public required string Name { get; init; }

    /// <summary>The C# type as written by the compiler, e.g. <c>int</c> or <c>global::System.Collections.Generic.List&lt;int&gt;</c>.</summary>
    public required string Type { get; init; }

    public bool HasDefault { get; init; }
}
