using System.Text;
using System.Text.Json;

namespace Modal.Images;

/// <summary>
/// Translates a Dockerfile into build steps, so <c>FromDockerfile</c> images are built, cached and extended like any
/// other recipe. Like the reference, it implements the Dockerfile instructions itself rather than handing the file to
/// an engine's builder, and refuses what it does not implement (<c>ONBUILD</c>, <c>STOPSIGNAL</c>, <c>VOLUME</c>,
/// multi-stage builds, default values in interpolations) with an error that names the line.
/// </summary>
internal static class DockerfileParser
{
    private static readonly string[] DefaultShell = ["/bin/sh", "-c"];

    /// <summary>Parses <paramref name="dockerfilePath"/>; <c>COPY</c>/<c>ADD</c> sources resolve against its folder.</summary>
    public static IReadOnlyList<BuildStep> ParseFile(string dockerfilePath)
    {
        if (!File.Exists(dockerfilePath))
        {
            throw new InvalidError($"FromDockerfile: {dockerfilePath} does not exist. Relative paths resolve against the app's build output folder; copy the Dockerfile there (CopyToOutputDirectory) or give an absolute path.");
        }

        return Parse(File.ReadAllText(dockerfilePath), Path.GetDirectoryName(Path.GetFullPath(dockerfilePath))!, Path.GetFileName(dockerfilePath));
    }

    /// <summary>Parses Dockerfile text whose build context is <paramref name="contextDirectory"/>.</summary>
    public static IReadOnlyList<BuildStep> Parse(string text, string contextDirectory, string fileName = "Dockerfile")
    {
        var state = new ParseState(contextDirectory);
        foreach (var (lineNumber, line) in LogicalLines(text))
        {
            var origin = $"{fileName} line {lineNumber}";
            var trimmed = line.Trim();
            var space = trimmed.IndexOfAny([' ', '\t']);
            var instruction = (space < 0 ? trimmed : trimmed[..space]).ToUpperInvariant();
            var rest = space < 0 ? "" : trimmed[(space + 1)..].Trim();
            if (state.Steps.Count == 0 && instruction is not ("FROM" or "ARG"))
            {
                throw Error(origin, $"{instruction} comes before FROM; a Dockerfile must start with FROM (ARG may precede it).");
            }

            switch (instruction)
            {
                case "FROM":
                    From(state, rest, origin);
                    break;
                case "RUN":
                    Run(state, rest, origin);
                    break;
                case "ENV":
                    foreach (var (name, value) in KeyValues(state, rest, origin, legacySpaceForm: true))
                    {
                        state.Env[name] = value;
                        state.Steps.Add(new BuildStep(ImageStepKinds.Env, [name, value], Origin: origin));
                    }

                    break;
                case "ARG":
                    Arg(state, rest, origin);
                    break;
                case "WORKDIR":
                    var workdir = state.Substitute(rest, origin);
                    state.Workdir = workdir.StartsWith('/') ? workdir : CombineUnix(state.Workdir, workdir);
                    state.Steps.Add(new BuildStep(ImageStepKinds.Workdir, [state.Workdir], Origin: origin));
                    break;
                case "ENTRYPOINT":
                    state.Steps.Add(new BuildStep(ImageStepKinds.Entrypoint, ExecOrShell(state, rest, origin), Origin: origin));
                    break;
                case "CMD":
                    state.Steps.Add(new BuildStep(BuildStep.Config, ["CMD " + JsonSerializer.Serialize(ExecOrShell(state, rest, origin))], Origin: origin));
                    break;
                case "COPY" or "ADD":
                    Copy(state, instruction, rest, origin);
                    break;
                case "LABEL":
                    foreach (var (name, value) in KeyValues(state, rest, origin, legacySpaceForm: false))
                    {
                        state.Steps.Add(new BuildStep(BuildStep.Config, [$"LABEL {Quote(name)}={Quote(value)}"], Origin: origin));
                    }

                    break;
                case "MAINTAINER":
                    state.Steps.Add(new BuildStep(BuildStep.Config, [$"LABEL maintainer={Quote(rest)}"], Origin: origin));
                    break;
                case "EXPOSE":
                    state.Steps.Add(new BuildStep(BuildStep.Config, ["EXPOSE " + state.Substitute(rest, origin)], Origin: origin));
                    break;
                case "USER":
                    state.Steps.Add(new BuildStep(BuildStep.Config, ["USER " + state.Substitute(rest, origin)], Origin: origin));
                    break;
                case "SHELL":
                    state.Shell = ParseJsonArray(rest, origin, "SHELL") ?? throw Error(origin, "SHELL takes a JSON array, e.g. SHELL [\"/bin/bash\", \"-c\"].");
                    break;
                case "ONBUILD" or "STOPSIGNAL" or "VOLUME":
                    throw Error(origin, $"{instruction} is not supported (nor are ONBUILD, STOPSIGNAL and VOLUME in general). Remove it from the Dockerfile.");
                case "HEALTHCHECK":
                    throw Error(origin, "HEALTHCHECK is not supported: the platform checks a container's health through its worker's heartbeats. Remove it from the Dockerfile.");
                default:
                    throw Error(origin, $"'{instruction}' is not a Dockerfile instruction this builder knows. Supported: FROM, RUN, ENV, ARG, WORKDIR, ENTRYPOINT, CMD, COPY, ADD, LABEL, EXPOSE, USER, SHELL, MAINTAINER.");
            }
        }

        if (state.Steps.Count == 0)
        {
            throw new InvalidError($"The Dockerfile {fileName} has no FROM instruction; an image must start from a base.");
        }

        return state.Steps;
    }

    private static void From(ParseState state, string rest, string origin)
    {
        if (state.Steps.Count > 0)
        {
            throw Error(origin, "a second FROM starts a multi-stage build, which is not supported. Build the earlier stage as its own image, or merge the stages.");
        }

        var words = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw Error(origin, "FROM names no image.");
        }

        if (words[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw Error(origin, $"FROM {words[0]} is not supported; images are built for the engine's own platform.");
        }

        var image = state.Substitute(words[0], origin);
        state.Steps.Add(new BuildStep(ImageStepKinds.FromRegistry, [image], Origin: origin));
        // As in Docker, an ARG declared before FROM serves FROM only; the build stage must declare it again to use it.
        state.Args.Clear();
    }

    private static void Run(ParseState state, string rest, string origin)
    {
        if (rest.StartsWith("--", StringComparison.Ordinal))
        {
            throw Error(origin, $"RUN flags ({rest.Split(' ')[0]}) are not supported. Remove the flag.");
        }

        // ARG values are visible to RUN commands as variables, but are not part of the image's environment.
        var args = state.Args.Where(a => !state.Env.ContainsKey(a.Key)).ToList();
        if (ParseJsonArray(rest, origin, "RUN") is { } exec)
        {
            state.Steps.Add(new BuildStep(BuildStep.RunExec, exec, Origin: origin));
            return;
        }

        var command = args.Count == 0 ? rest : string.Concat(args.Select(a => $"export {a.Key}={ShellQuote(a.Value)}; ")) + rest;
        if (state.Shell.SequenceEqual(DefaultShell))
        {
            state.Steps.Add(new BuildStep(ImageStepKinds.RunCommands, [command], Origin: origin));
        }
        else
        {
            state.Steps.Add(new BuildStep(BuildStep.RunExec, [.. state.Shell, command], Origin: origin));
        }
    }

    private static void Arg(ParseState state, string rest, string origin)
    {
        var equals = rest.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? rest.Trim() : rest[..equals].Trim();
        if (name.Length == 0)
        {
            throw Error(origin, "ARG names no variable.");
        }

        // There is no way to pass build arguments, so an ARG is its default value (or empty).
        state.Args[name] = equals < 0 ? "" : state.Substitute(Unquote(rest[(equals + 1)..].Trim()), origin);
    }

    private static void Copy(ParseState state, string instruction, string rest, string origin)
    {
        var words = ParseJsonArray(rest, origin, instruction) ?? rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.FirstOrDefault(w => w.StartsWith("--", StringComparison.Ordinal)) is { } flag)
        {
            throw Error(origin, $"{instruction} {flag} is not supported (nor are other {instruction} flags). Set ownership with a RUN chown step after the copy.");
        }

        if (words.Count < 2)
        {
            throw Error(origin, $"{instruction} needs at least one source and a destination.");
        }

        var destination = state.Substitute(words[^1], origin);
        var sources = words.Take(words.Count - 1).Select(s => state.Substitute(s, origin)).ToList();
        var intoDirectory = destination.EndsWith('/') || sources.Count > 1;
        var target = destination.StartsWith('/') ? destination : CombineUnix(state.Workdir, destination);
        foreach (var source in sources)
        {
            if (source.Contains("://", StringComparison.Ordinal))
            {
                throw Error(origin, $"{instruction} from a URL ({source}) is not supported. Download it with RUN curl or wget instead.");
            }

            foreach (var local in ExpandSource(state.Context, source, origin, instruction))
            {
                if (Directory.Exists(local))
                {
                    // A directory's contents land in the destination, as Docker does.
                    state.Steps.Add(new BuildStep(ImageStepKinds.AddLocalDir, [local, target.TrimEnd('/') is "" ? "/" : target.TrimEnd('/'), "copy"], Origin: origin));
                }
                else
                {
                    var remote = intoDirectory ? CombineUnix(target, Path.GetFileName(local)) : target;
                    state.Steps.Add(new BuildStep(ImageStepKinds.AddLocalFile, [local, remote, "copy"], Origin: origin));
                }
            }
        }
    }

    private static IEnumerable<string> ExpandSource(string context, string source, string origin, string instruction)
    {
        var full = Path.GetFullPath(Path.Combine(context, source.TrimStart('/')));
        if (!full.StartsWith(Path.GetFullPath(context), StringComparison.Ordinal))
        {
            throw Error(origin, $"{instruction} source {source} is outside the build context {context}.");
        }

        var name = Path.GetFileName(full);
        if (name.IndexOfAny(['*', '?']) >= 0)
        {
            var folder = Path.GetDirectoryName(full)!;
            var matches = Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder, name).Order(StringComparer.Ordinal).ToList() : [];
            if (matches.Count == 0)
            {
                throw Error(origin, $"{instruction} source {source} matches no file in {folder}.");
            }

            return matches;
        }

        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw Error(origin, $"{instruction} source {source} does not exist in the build context {context}.");
        }

        return [full];
    }

    private static List<string> ExecOrShell(ParseState state, string rest, string origin) =>
        ParseJsonArray(rest, origin, "ENTRYPOINT/CMD") ?? [.. state.Shell, state.Substitute(rest, origin)];

    private static List<string>? ParseJsonArray(string text, string origin, string instruction)
    {
        if (!text.StartsWith('['))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(text) ?? throw Error(origin, $"{instruction} has an empty JSON array.");
        }
        catch (JsonException)
        {
            // Docker runs a malformed exec form as a shell command; so does this builder.
            return null;
        }
    }

    private static IEnumerable<(string Name, string Value)> KeyValues(ParseState state, string rest, string origin, bool legacySpaceForm)
    {
        var words = SplitQuoted(rest, origin);
        if (legacySpaceForm && words.Count > 0 && !words[0].Contains('=', StringComparison.Ordinal))
        {
            // ENV name value (the old form): everything after the name is the value.
            var name = words[0];
            var value = rest[(rest.IndexOf(name, StringComparison.Ordinal) + name.Length)..].Trim();
            yield return (name, state.Substitute(Unquote(value), origin));
            yield break;
        }

        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Error(origin, $"'{word}' is not of the form name=value.");
            }

            yield return (word[..equals], state.Substitute(Unquote(word[(equals + 1)..]), origin));
        }
    }

    /// <summary>Splits on whitespace outside quotes, keeping the quotes (values are unquoted later).</summary>
    private static List<string> SplitQuoted(string text, string origin)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && quote != '\'')
            {
                current.Append(c).Append(text[++i]);
            }
            else if (quote is null && char.IsWhiteSpace(c))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                if (c is '"' or '\'')
                {
                    quote = quote == c ? null : quote ?? c;
                }

                current.Append(c);
            }
        }

        if (quote is not null)
        {
            throw Error(origin, $"an unterminated {quote} quote.");
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private static string Unquote(string value)
    {
        var result = new StringBuilder();
        char? quote = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length && quote != '\'')
            {
                result.Append(value[++i]);
            }
            else if (c is '"' or '\'' && (quote is null || quote == c))
            {
                quote = quote is null ? c : null;
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    /// <summary>Joins continuation lines (a trailing backslash) and drops comments and blank lines.</summary>
    private static IEnumerable<(int Line, string Text)> LogicalLines(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var current = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith('#') || (current.Length == 0 && trimmed.Length == 0))
            {
                continue;
            }

            if (current.Length == 0)
            {
                start = i + 1;
            }

            // Continuation lines join with one space, as the shell would read them.
            var end = current.Length == 0 ? line.TrimEnd() : line.Trim();
            if (end.EndsWith('\\'))
            {
                current.Append(end[..^1].TrimEnd()).Append(' ');
                continue;
            }

            current.Append(end);
            yield return (start, current.ToString());
            current.Clear();
        }

        if (current.Length > 0)
        {
            yield return (start, current.ToString());
        }
    }

    private static string CombineUnix(string directory, string path) =>
        (directory.EndsWith('/') ? directory : directory + "/") + path.TrimStart('.', '/');

    /// <summary>Quotes a value for a Dockerfile-syntax configuration change.</summary>
    internal static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    internal static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static InvalidError Error(string origin, string message) => new($"FromDockerfile: {origin}: {message}");

    private sealed class ParseState(string context)
    {
        public string Context { get; } = context;

        public List<BuildStep> Steps { get; } = [];

        public Dictionary<string, string> Args { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);

        public string Workdir { get; set; } = "/";

        public IReadOnlyList<string> Shell { get; set; } = DefaultShell;

        /// <summary>Replaces <c>$NAME</c> and <c>${NAME}</c> with ARG and ENV values, as Docker does outside RUN.</summary>
        public string Substitute(string text, string origin)
        {
            var result = new StringBuilder();
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\\' && i + 1 < text.Length && text[i + 1] == '$')
                {
                    result.Append('$');
                    i++;
                    continue;
                }

                if (c != '$' || i + 1 >= text.Length)
                {
                    result.Append(c);
                    continue;
                }

                string name;
                if (text[i + 1] == '{')
                {
                    var close = text.IndexOf('}', i + 2);
                    if (close < 0)
                    {
                        throw Error(origin, $"an unterminated ${{ in '{text}'.");
                    }

                    name = text[(i + 2)..close];
                    if (name.IndexOfAny([':', '-', '+', '?']) >= 0)
                    {
                        throw Error(origin, $"'${{{name}}}': default values and other modifiers in interpolations are not supported. Set the variable with ARG or ENV first.");
                    }

                    i = close;
                }
                else
                {
                    var end = i + 1;
                    while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
                    {
                        end++;
                    }

                    if (end == i + 1)
                    {
                        result.Append(c);
                        continue;
                    }

                    name = text[(i + 1)..end];
                    i = end - 1;
                }

                result.Append(Env.TryGetValue(name, out var env) ? env : Args.GetValueOrDefault(name, ""));
            }

            return result.ToString();
        }
    }
}
