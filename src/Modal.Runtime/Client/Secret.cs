using Modal.Secrets;

namespace Modal;

/// <summary>
/// A secret to bind to a name a function lists in <c>[Function(Secrets = ["name"])]</c>, for one app run
/// (<see cref="ModalOptions.Secrets"/>). Attribute arguments must be constants, so the code names its secrets and the run
/// says where each name's values come from: the server's stored secret (the default, or <see cref="FromName"/> for
/// another one), a dictionary built in code (<see cref="FromDict"/>) or a local <c>.env</c> file
/// (<see cref="FromDotenv"/>). A function's secrets are applied in list order, later ones winning. Values are sent to the
/// control plane with the app, kept in its memory for the run only, and never printed: <see cref="ToString"/> shows keys.
/// </summary>
public sealed class Secret
{
    private Secret(string? name, IReadOnlyDictionary<string, string>? values)
    {
        Name = name;
        Values = values;
    }

    /// <summary>The stored secret this one stands for; null for a secret with inline values.</summary>
    public string? Name { get; }

    /// <summary>The inline values; null for a stored secret.</summary>
    internal IReadOnlyDictionary<string, string>? Values { get; }

    /// <summary>The keys this secret sets, when they are known on this side (inline values); empty for a stored secret.</summary>
    public IReadOnlyCollection<string> Keys => (IReadOnlyCollection<string>?)Values?.Keys ?? [];

    /// <summary>The server's stored secret <paramref name="name"/> (created with <c>modal secret create</c>).</summary>
    public static Secret FromName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new Secret(name, null);
    }

    /// <summary>
    /// A secret with these values, such as ones read from the local environment. Entries whose value is null are left out,
    /// as the reference's <c>Secret.from_dict</c> does.
    /// </summary>
    public static Secret FromDict(IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                throw new InvalidError($"'{key}' cannot be the name of an environment variable; a secret's keys must be non-empty and hold no '=' or NUL.");
            }

            if (value is not null)
            {
                copy[key] = value;
            }
        }

        return new Secret(null, copy);
    }

    /// <summary>
    /// A secret with the variables of a <c>.env</c> file: <paramref name="path"/>, else <c>.env</c> in the current
    /// directory or the nearest parent that has one. Comments, quotes and <c>export</c> are read as dotenv tools do.
    /// </summary>
    public static Secret FromDotenv(string? path = null)
    {
        var file = path is null ? FindDotenv(Directory.GetCurrentDirectory()) : Path.GetFullPath(path);
        if (file is null || !File.Exists(file))
        {
            throw new InvalidError(path is null
                ? $"No .env file in {Directory.GetCurrentDirectory()} or any folder above it. Create one, or pass its path to Secret.FromDotenv."
                : $"The dotenv file {file} does not exist. Pass the path of an existing .env file to Secret.FromDotenv.");
        }

        return new Secret(null, DotenvParser.Parse(File.ReadAllText(file)));
    }

    /// <summary>The wire form of binding <paramref name="name"/> (a function's secret name) to this secret.</summary>
    internal Protocol.BoundSecret ToBinding(string name)
    {
        var binding = new Protocol.BoundSecret { Name = name };
        if (Name is not null)
        {
            binding.FromName = Name;
        }
        else
        {
            foreach (var (key, value) in Values!)
            {
                binding.Values[key] = value;
            }
        }

        return binding;
    }

    /// <summary>Names the secret and its keys, never its values.</summary>
    public override string ToString() =>
        Name is not null ? $"Secret.FromName({Name})" : $"Secret({string.Join(", ", Values!.Keys.Order(StringComparer.Ordinal))})";

    /// <summary>The <c>.env</c> file in <paramref name="start"/> or the nearest folder above it that has one.</summary>
    internal static string? FindDotenv(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, ".env");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
