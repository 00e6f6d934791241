using System.Globalization;
using System.Text;

namespace Modal.Entrypoints;

/// <summary>
/// The command line of a generated program entry. The generated code asks for each parameter of the
/// <c>[LocalEntrypoint]</c> in turn (<see cref="Required{T}"/>, <see cref="Optional{T}"/>, <see cref="Flag"/>), then
/// calls <see cref="ShouldExit"/>, which prints <c>--help</c> or the problems found and gives the exit code (0 after
/// help, 2 after an error). Options are <c>--name value</c> or <c>--name=value</c>; a flag is <c>--name</c>,
/// <c>--name=false</c> or <c>--no-name</c>. Names match ignoring case, dashes and underscores.
/// </summary>
public sealed class EntrypointCommandLine
{
    /// <summary>Exit code for a command line that could not be used, as in POSIX tools.</summary>
    public const int UsageExitCode = 2;

    private readonly string _entrypointName;
    private readonly string[] _args;
    private readonly bool[] _consumed;
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly List<string> _errors = [];
    private readonly List<(string Name, string Description)> _options = [];
    private readonly bool _helpRequested;

    public EntrypointCommandLine(string entrypointName, string[] args)
        : this(entrypointName, args, Console.Out, Console.Error)
    {
    }

    public EntrypointCommandLine(string entrypointName, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        _entrypointName = entrypointName;
        _args = args;
        _consumed = new bool[args.Length];
        _out = output;
        _error = error;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h" or "-?")
            {
                _helpRequested = true;
                _consumed[i] = true;
            }
        }
    }

    /// <summary>The errors found so far, one message each (without the <c>error:</c> prefix).</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>An option that must be given.</summary>
    public T Required<T>(string name, EntrypointValueParser<T> parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        _options.Add(($"--{name} <{parser.TypeLabel}>", "required"));
        if (!TryTake(name, out var text, out var present))
        {
            return default!;
        }

        if (!present)
        {
            _errors.Add($"missing required option --{name} ({parser.Expectation})");
            return default!;
        }

        return Parse(name, text, parser, default!);
    }

    /// <summary>An option that falls back to <paramref name="defaultValue"/> (the parameter's default) when absent.</summary>
    public T Optional<T>(string name, EntrypointValueParser<T> parser, T defaultValue)
    {
        ArgumentNullException.ThrowIfNull(parser);
        var shownDefault = defaultValue is null ? "none" : Convert.ToString(defaultValue, CultureInfo.InvariantCulture);
        _options.Add(($"--{name} <{parser.TypeLabel}>", $"default: {shownDefault}"));
        if (!TryTake(name, out var text, out var present) || !present)
        {
            return defaultValue;
        }

        return Parse(name, text, parser, defaultValue);
    }

    /// <summary>A boolean switch: present means true unless a value says otherwise.</summary>
    public bool Flag(string name, bool defaultValue = false)
    {
        _options.Add(($"--{name}", defaultValue ? "flag, default: true (--no-" + name + " turns it off)" : "flag"));
        var wanted = Normalize(name);
        bool? result = null;
        for (var i = 0; i < _args.Length; i++)
        {
            if (_consumed[i] || !TrySplitOption(_args[i], out var optionName, out var inlineValue))
            {
                continue;
            }

            var normalized = Normalize(optionName);
            if (normalized == wanted)
            {
                _consumed[i] = true;
                if (inlineValue is null)
                {
                    result = true;
                }
                else if (bool.TryParse(inlineValue, out var parsed))
                {
                    result = parsed;
                }
                else
                {
                    _errors.Add($"option --{name} expects true or false, got '{inlineValue}'");
                }
            }
            else if (normalized == "no" + wanted && inlineValue is null)
            {
                _consumed[i] = true;
                result = false;
            }
        }

        return result ?? defaultValue;
    }

    /// <summary>
    /// Ends parsing: prints help when it was asked for, or every problem found (unknown options included), and says
    /// whether the program must stop, with the exit code to stop with.
    /// </summary>
    public bool ShouldExit(out int exitCode)
    {
        if (_helpRequested)
        {
            _out.Write(HelpText());
            exitCode = 0;
            return true;
        }

        for (var i = 0; i < _args.Length; i++)
        {
            if (!_consumed[i])
            {
                _errors.Add(_args[i].StartsWith("--", StringComparison.Ordinal)
                    ? $"unknown option {_args[i].Split('=')[0]}"
                    : $"unexpected argument '{_args[i]}'; values follow an option, as in --name value");
            }
        }

        if (_errors.Count == 0)
        {
            exitCode = 0;
            return false;
        }

        foreach (var error in _errors)
        {
            _error.WriteLine("error: " + error);
        }

        _error.WriteLine("Run with --help to list the options.");
        exitCode = UsageExitCode;
        return true;
    }

    /// <summary>The text <c>--help</c> prints.</summary>
    public string HelpText()
    {
        var builder = new StringBuilder();
        builder.Append("Usage: ").Append(_entrypointName).AppendLine(_options.Count == 0 ? "" : " [options]");
        builder.AppendLine();
        builder.AppendLine("Options:");
        var rows = _options.Append(("-h, --help", "show this help")).ToList();
        var width = rows.Max(r => r.Item1.Length) + 2;
        foreach (var (name, description) in rows)
        {
            builder.Append("  ").Append(name.PadRight(width)).AppendLine(description);
        }

        return builder.ToString();
    }

    internal static string Normalize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('-' or '_'))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary><c>FastPath</c> becomes <c>fast-path</c>, the spelling help output shows.</summary>
    internal static string ToOptionName(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && name[i - 1] != '_' && !char.IsUpper(name[i - 1]))
            {
                builder.Append('-');
            }

            builder.Append(c == '_' ? '-' : char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private static bool TrySplitOption(string arg, out string name, out string? inlineValue)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
        {
            name = "";
            inlineValue = null;
            return false;
        }

        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        name = equals < 0 ? arg[2..] : arg[2..equals];
        inlineValue = equals < 0 ? null : arg[(equals + 1)..];
        return true;
    }

    /// <summary>Finds the option's value; false when the option was malformed (the error is recorded).</summary>
    private bool TryTake(string name, out string text, out bool present)
    {
        var wanted = Normalize(name);
        text = "";
        present = false;
        for (var i = 0; i < _args.Length; i++)
        {
            if (_consumed[i] || !TrySplitOption(_args[i], out var optionName, out var inlineValue) || Normalize(optionName) != wanted)
            {
                continue;
            }

            _consumed[i] = true;
            if (present)
            {
                _errors.Add($"option --{name} is given more than once");
                return false;
            }

            present = true;
            if (inlineValue is not null)
            {
                text = inlineValue;
            }
            else if (i + 1 < _args.Length && !_args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _consumed[++i] = true;
                text = _args[i];
            }
            else
            {
                _errors.Add($"option --{name} needs a value");
                return false;
            }
        }

        return true;
    }

    private T Parse<T>(string name, string text, EntrypointValueParser<T> parser, T fallback)
    {
        if (parser.TryParse(text, out var value))
        {
            return value;
        }

        _errors.Add($"option --{name} expects {parser.Expectation}, got '{text}'");
        return fallback;
    }
}
