using System.Text;

namespace Modal.Worker;

/// <summary>
/// The input a piece of user code runs for, carried by an <see cref="AsyncLocal{T}"/> so concurrent inputs (threads or
/// tasks) each get their own prefix and their own partial-line buffers.
/// </summary>
internal sealed class InputLogScope(string functionName, string? inputId)
{
    private static readonly AsyncLocal<InputLogScope?> CurrentScope = new();
    private readonly StringBuilder?[] _partialLines = new StringBuilder?[2];
    private string? _prefix;

    public static InputLogScope? Current
    {
        get => CurrentScope.Value;
        set => CurrentScope.Value = value;
    }

    /// <summary><c>[function input-id] </c>, or <c>[function] </c> for output outside any input.</summary>
    public string Prefix => _prefix ??= inputId is null ? $"[{functionName}] " : $"[{functionName} {inputId}] ";

    /// <summary>The unfinished line of stdout (0) or stderr (1).</summary>
    public StringBuilder PartialLine(int stream) => _partialLines[stream] ??= new StringBuilder();

    public bool HasPartialLine(int stream) => _partialLines[stream] is { Length: > 0 };
}
