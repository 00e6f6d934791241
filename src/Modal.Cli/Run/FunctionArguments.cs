using System.Buffers;
using MessagePack;
using Modal.Dispatch;
using Modal.Entrypoints;
using Modal.Manifest;

namespace Modal.Cli.Run;

/// <summary>
/// Reads a function's arguments from <c>--name value</c> options, as a <c>[LocalEntrypoint]</c>'s generated program
/// entry does, and writes them as the function's argument record: a MessagePack array of the values in parameter order,
/// which is what the generated formatters read.
/// </summary>
internal static class FunctionArguments
{
    /// <summary>
    /// The serialized arguments, or null when the program must stop (help was printed, or the options were wrong and the
    /// problems were printed); <paramref name="exitCode"/> says with which code.
    /// </summary>
    public static byte[]? Read(
        FunctionManifest function,
        IReadOnlyDictionary<string, object?> defaults,
        IReadOnlyList<string> args,
        TextWriter output,
        TextWriter error,
        out int exitCode)
    {
        var unsupported = function.Parameters.Where(p => Reader(p.Type) is null).ToList();
        if (unsupported.Count > 0)
        {
            throw new InvalidError(
                $"`modal run` reads only primitive parameters (strings, numbers, bools and their nullable forms) from the command line, and " +
                $"function '{function.Name}' takes {string.Join(", ", unsupported.Select(p => $"'{p.Name}' ({p.Type})"))}. " +
                "Call it from a [LocalEntrypoint] that builds those values.");
        }

        var cli = new EntrypointCommandLine(function.Name, [.. args], output, error);
        var values = new List<(Type Type, object? Value)>(function.Parameters.Count);
        foreach (var parameter in function.Parameters)
        {
            var hasDefault = parameter.HasDefault && defaults.ContainsKey(parameter.Name);
            values.Add(Reader(parameter.Type)!(cli, EntrypointCommandLine.ToOptionName(parameter.Name), hasDefault, hasDefault ? defaults[parameter.Name] : null));
        }

        if (cli.ShouldExit(out exitCode))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(values.Count);
        foreach (var (type, value) in values)
        {
            MessagePackSerializer.Serialize(type, ref writer, value, ModalSerializer.Options);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private delegate (Type Type, object? Value) ParameterReader(EntrypointCommandLine cli, string option, bool hasDefault, object? defaultValue);

    /// <summary>How to read a parameter of the manifest type <paramref name="type"/>; null for types the command line cannot express.</summary>
    private static ParameterReader? Reader(string type) => type switch
    {
        "string" or "string?" => Option(EntrypointParsers.String),
        "bool" => (cli, option, hasDefault, defaultValue) => (typeof(bool), cli.Flag(option, hasDefault && defaultValue is true)),
        "bool?" => Nullable(EntrypointParsers.Boolean),
        "sbyte" => Option(EntrypointParsers.SByte),
        "sbyte?" => Nullable(EntrypointParsers.SByte),
        "byte" => Option(EntrypointParsers.Byte),
        "byte?" => Nullable(EntrypointParsers.Byte),
        "short" => Option(EntrypointParsers.Int16),
        "short?" => Nullable(EntrypointParsers.Int16),
        "ushort" => Option(EntrypointParsers.UInt16),
        "ushort?" => Nullable(EntrypointParsers.UInt16),
        "int" => Option(EntrypointParsers.Int32),
        "int?" => Nullable(EntrypointParsers.Int32),
        "uint" => Option(EntrypointParsers.UInt32),
        "uint?" => Nullable(EntrypointParsers.UInt32),
        "long" => Option(EntrypointParsers.Int64),
        "long?" => Nullable(EntrypointParsers.Int64),
        "ulong" => Option(EntrypointParsers.UInt64),
        "ulong?" => Nullable(EntrypointParsers.UInt64),
        "float" => Option(EntrypointParsers.Single),
        "float?" => Nullable(EntrypointParsers.Single),
        "double" => Option(EntrypointParsers.Double),
        "double?" => Nullable(EntrypointParsers.Double),
        "decimal" => Option(EntrypointParsers.Decimal),
        "decimal?" => Nullable(EntrypointParsers.Decimal),
        _ => null,
    };

    private static ParameterReader Option<T>(EntrypointValueParser<T> parser) =>
        (cli, option, hasDefault, defaultValue) => (typeof(T), hasDefault
            ? cli.Optional(option, parser, defaultValue is null ? default! : (T)Convert.ChangeType(defaultValue, typeof(T), System.Globalization.CultureInfo.InvariantCulture))
            : cli.Required(option, parser));

    private static ParameterReader Nullable<T>(EntrypointValueParser<T> parser)
        where T : struct
    {
        var nullable = EntrypointParsers.Nullable(parser);
        return (cli, option, hasDefault, defaultValue) => (typeof(T?), hasDefault
            ? cli.Optional(option, nullable, defaultValue is null ? null : (T)Convert.ChangeType(defaultValue, typeof(T), System.Globalization.CultureInfo.InvariantCulture))
            : cli.Required(option, nullable));
    }
}
