using System.Text;

namespace Modal.Worker;

/// <summary>
/// Replaces Console.Out/Console.Error for user code: every line is prefixed with <c>[function input-id] </c> and written
/// whole to the real stream, so lines of concurrent inputs never interleave mid-line and the caller can tell them apart.
/// </summary>
internal sealed class PrefixedConsoleWriter : TextWriter
{
    private readonly TextWriter _sink;
    private readonly int _stream;
    private readonly InputLogScope _outsideInputs;

    /// <param name="sink">The real stdout or stderr.</param>
    /// <param name="stream">0 for stdout, 1 for stderr: which partial-line buffer of a scope this writer uses.</param>
    /// <param name="functionName">Prefix of output written outside any input (static constructors, background threads).</param>
    public PrefixedConsoleWriter(TextWriter sink, int stream, string functionName)
    {
        _sink = sink;
        _stream = stream;
        _outsideInputs = new InputLogScope(functionName, inputId: null);
    }

    public override Encoding Encoding => _sink.Encoding;

    public override void Write(char value) => Append([value]);

    public override void Write(char[] buffer, int index, int count) => Append(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Append(buffer);

    public override void Write(string? value) => Append(value);

    public override void Flush()
    {
        lock (_sink)
        {
            _sink.Flush();
        }
    }

    /// <summary>Writes out a scope's unfinished line when its input ends, so nothing it printed is lost.</summary>
    public void Complete(InputLogScope scope)
    {
        if (!scope.HasPartialLine(_stream))
        {
            return;
        }

        var line = scope.PartialLine(_stream);
        lock (line)
        {
            if (line.Length > 0)
            {
                Emit(scope, line);
                line.Clear();
            }
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var scope = InputLogScope.Current ?? _outsideInputs;
        var line = scope.PartialLine(_stream);
        lock (line)
        {
            while (true)
            {
                var newline = text.IndexOf('\n');
                if (newline < 0)
                {
                    line.Append(text);
                    return;
                }

                line.Append(text[..newline]);
                Emit(scope, line);
                line.Clear();
                text = text[(newline + 1)..];
            }
        }
    }

    private void Emit(InputLogScope scope, StringBuilder line)
    {
        if (line.Length > 0 && line[^1] == '\r')
        {
            line.Length--;
        }

        lock (_sink)
        {
            _sink.Write(scope.Prefix);
            _sink.Write(line);
            _sink.Write('\n');
            _sink.Flush();
        }
    }
}
