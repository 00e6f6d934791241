using System.Text;

namespace Modal.Images;

/// <summary>A writer that hands each complete line to a callback: the build log's way to a client or to several places.</summary>
public sealed class BuildLogWriter(Action<string> onLine) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        string? complete = null;
        lock (_line)
        {
            if (value == '\n')
            {
                complete = _line.ToString().TrimEnd('\r');
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }

        if (complete is not null)
        {
            onLine(complete);
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }
}
