namespace Modal.Entrypoints;

/// <summary>Tries to read a value of <typeparamref name="T"/> from the text of a command-line option.</summary>
public delegate bool EntrypointTryParse<T>(string text, out T value);

/// <summary>
/// Reads one type of command-line value. <see cref="Expectation"/> completes the sentence "option --n expects …" in
/// error messages, and <see cref="TypeLabel"/> is what <c>--help</c> shows after the option's name.
/// </summary>
public sealed class EntrypointValueParser<T>
{
    private readonly EntrypointTryParse<T> _tryParse;

    public EntrypointValueParser(string typeLabel, string expectation, EntrypointTryParse<T> tryParse)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeLabel);
        ArgumentException.ThrowIfNullOrEmpty(expectation);
        ArgumentNullException.ThrowIfNull(tryParse);
        TypeLabel = typeLabel;
        Expectation = expectation;
        _tryParse = tryParse;
    }

    /// <summary>Short name of the value's type for help output, such as <c>int</c>.</summary>
    public string TypeLabel { get; }

    /// <summary>What a valid value is, such as <c>an integer</c>.</summary>
    public string Expectation { get; }

    public bool TryParse(string text, out T value) => _tryParse(text, out value);
}
