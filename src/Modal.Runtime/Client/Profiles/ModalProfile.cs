using System.Globalization;
using System.Text;

namespace Modal;

/// <summary>
/// A profile of <c>~/.modal.toml</c>: a server address and a token. The file holds one <c>[name]</c> table per profile;
/// <c>active = true</c> marks the one used when <c>MODAL_PROFILE</c> does not name another.
/// </summary>
public sealed record ModalProfile
{
    public required string Name { get; init; }

    public string? ServerUrl { get; init; }

    public string? TokenId { get; init; }

    public string? TokenSecret { get; init; }

    public string? Environment { get; init; }

    public bool Active { get; init; }

    /// <summary><c>~/.modal.toml</c> (<c>MODAL_CONFIG_PATH</c> overrides it).</summary>
    public static string ConfigPath =>
        System.Environment.GetEnvironmentVariable("MODAL_CONFIG_PATH") is { Length: > 0 } path
            ? path
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".modal.toml");

    /// <summary>Every profile in the file, in file order; empty when the file does not exist.</summary>
    public static IReadOnlyList<ModalProfile> LoadAll(string? path = null)
    {
        path ??= ConfigPath;
        if (!File.Exists(path))
        {
            return [];
        }

        var profiles = new List<ModalProfile>();
        Dictionary<string, string>? current = null;
        string? name = null;
        var lineNumber = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                Flush();
                name = line[1..^1].Trim().Trim('"');
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || current is null)
            {
                throw new InvalidError($"Line {lineNumber} of {path} is not `key = value` inside a [profile] table. Fix the file or remove it.");
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            current[line[..equals].Trim()] = value;
        }

        Flush();
        return profiles;

        void Flush()
        {
            if (name is null || current is null)
            {
                return;
            }

            profiles.Add(new ModalProfile
            {
                Name = name,
                ServerUrl = current.GetValueOrDefault("server_url"),
                TokenId = current.GetValueOrDefault("token_id"),
                TokenSecret = current.GetValueOrDefault("token_secret"),
                Environment = current.GetValueOrDefault("environment"),
                Active = string.Equals(current.GetValueOrDefault("active"), "true", StringComparison.OrdinalIgnoreCase),
            });
        }
    }

    /// <summary>The profile <c>MODAL_PROFILE</c> names, else the active one, else the only one; null when there is none.</summary>
    public static ModalProfile? Current(string? path = null)
    {
        var profiles = LoadAll(path);
        if (System.Environment.GetEnvironmentVariable("MODAL_PROFILE") is { Length: > 0 } wanted)
        {
            return profiles.FirstOrDefault(p => p.Name == wanted) ?? throw new InvalidError(
                $"MODAL_PROFILE names profile '{wanted}', which {ConfigPath} does not have. Its profiles: {string.Join(", ", profiles.Select(p => p.Name))}.");
        }

        return profiles.FirstOrDefault(p => p.Active) ?? (profiles.Count == 1 ? profiles[0] : null);
    }

    /// <summary>Adds or replaces the profile; with <paramref name="activate"/> it becomes the only active one.</summary>
    public static void Save(ModalProfile profile, bool activate, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        path ??= ConfigPath;
        var profiles = LoadAll(path).Where(p => p.Name != profile.Name).ToList();
        if (activate)
        {
            profiles = profiles.Select(p => p with { Active = false }).ToList();
        }

        profiles.Add(profile with { Active = activate || profile.Active });
        var text = new StringBuilder();
        foreach (var p in profiles)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{p.Name}]\n");
            Write(text, "server_url", p.ServerUrl);
            Write(text, "token_id", p.TokenId);
            Write(text, "token_secret", p.TokenSecret);
            Write(text, "environment", p.Environment);
            if (p.Active)
            {
                text.Append("active = true\n");
            }

            text.Append('\n');
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // The file holds token secrets: readable by its owner only.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(text.ToString());
    }

    private static void Write(StringBuilder text, string key, string? value)
    {
        if (value is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"{key} = \"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n");
        }
    }
}
