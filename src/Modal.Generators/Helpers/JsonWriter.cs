using System.Globalization;
using System.Text;

namespace Modal.Generators.Helpers;

/// <summary>
/// A minimal indented JSON writer for the manifest. System.Text.Json is not available to a netstandard2.0 generator
/// without shipping it inside the analyzer, and the manifest needs only objects, arrays, strings, numbers and booleans.
/// </summary>
internal sealed class JsonWriter
{
    private readonly StringBuilder _builder = new();
    private int _depth;
    private bool _needsComma;

    public void StartObject(string? name = null) => Start(name, '{');

    public void EndObject() => End('}');

    public void StartArray(string? name = null) => Start(name, '[');

    public void EndArray() => End(']');

    public void String(string name, string? value)
    {
        if (value is not null)
        {
            Property(name);
            WriteString(value);
        }
    }

    public void StringValue(string value)
    {
        BeginValue();
        WriteString(value);
    }

    public void Number(string name, int? value)
    {
        if (value is int v)
        {
            Property(name);
            _builder.Append(v.ToString(CultureInfo.InvariantCulture));
        }
    }

    public void Number(string name, double? value)
    {
        if (value is double v)
        {
            Property(name);
            _builder.Append(FormatDouble(v));
        }
    }

    public void Boolean(string name, bool? value)
    {
        if (value is bool v)
        {
            Property(name);
            _builder.Append(v ? "true" : "false");
        }
    }

    public override string ToString() => _builder.ToString();

    internal static string FormatDouble(double value)
    {
        // JSON has no NaN/Infinity; the attribute setters cannot produce them from constants anyway.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(['.', 'E', 'e']) >= 0 ? text : text + ".0";
    }

    private void Start(string? name, char open)
    {
        if (name is null)
        {
            BeginValue();
        }
        else
        {
            Property(name);
        }

        _builder.Append(open);
        _depth++;
        _needsComma = false;
    }

    private void End(char close)
    {
        _depth--;
        if (_needsComma)
        {
            NewLine();
        }

        _builder.Append(close);
        _needsComma = true;
    }

    private void Property(string name)
    {
        BeginValue();
        WriteString(name);
        _builder.Append(": ");
    }

    private void BeginValue()
    {
        if (_needsComma)
        {
            _builder.Append(',');
        }

        if (_depth > 0)
        {
            NewLine();
        }

        _needsComma = true;
    }

    private void NewLine()
    {
        _builder.Append('\n');
        _builder.Append(' ', _depth * 2);
    }

    private void WriteString(string value)
    {
        _builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': _builder.Append("\\\""); break;
                case '\\': _builder.Append("\\\\"); break;
                case '\n': _builder.Append("\\n"); break;
                case '\r': _builder.Append("\\r"); break;
                case '\t': _builder.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        _builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _builder.Append(c);
                    }

                    break;
            }
        }

        _builder.Append('"');
    }
}
