using System;
using System.Text;

namespace Modal.Generators.Helpers;

/// <summary>
/// An indented text writer for generated C#. Multi-line strings (raw string literals in the emitter) are re-indented
/// line by line, so templates can be written flush-left and still land at the current depth.
/// </summary>
internal sealed class SourceWriter
{
    private const int SpacesPerLevel = 4;
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public int Indentation
    {
        get => _indentation;
        set => _indentation = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public void OpenBlock()
    {
        WriteLine("{");
        _indentation++;
    }

    public void CloseBlock(string suffix = "")
    {
        _indentation--;
        WriteLine("}" + suffix);
    }

    public void WriteLine() => _builder.Append('\n');

    public void WriteLine(string text)
    {
        if (text.IndexOf('\n') < 0)
        {
            AppendLine(text);
            return;
        }

        var lines = text.Replace("\r\n", "\n").Split('\n');
        foreach (var line in lines)
        {
            AppendLine(line);
        }
    }

    public override string ToString() => _builder.ToString();

    private void AppendLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indentation * SpacesPerLevel);
            _builder.Append(line);
        }

        _builder.Append('\n');
    }
}
