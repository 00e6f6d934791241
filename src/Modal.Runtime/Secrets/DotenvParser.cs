namespace Modal.Secrets;

/// <summary>Reads KEY=VALUE lines of a .env file (for <c>modal secret create --from-dotenv</c>).</summary>
public static class DotenvParser
{
    /// <summary>
    /// Parses dotenv text: blank lines and <c>#</c> comments are skipped, an optional <c>export </c> prefix is dropped,
    /// and single or double quotes around a value are removed (double quotes also read \n escapes). Later keys win.
    /// </summary>
    public static Dictionary<string, string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidError($"Line {lineNumber} of the dotenv file is not KEY=VALUE. Fix or remove that line.");
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1].Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal);
            }
            else if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
            {
                value = value[1..^1];
            }
            else if (value.IndexOf(" #", StringComparison.Ordinal) is var comment and >= 0)
            {
                value = value[..comment].TrimEnd();
            }

            values[key] = value;
        }

        return values;
    }
}
