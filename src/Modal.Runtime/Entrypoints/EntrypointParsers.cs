using System.Globalization;
using System.Numerics;

namespace Modal.Entrypoints;

/// <summary>The value parsers a generated program entry uses for the parameters of a <c>[LocalEntrypoint]</c>.</summary>
public static class EntrypointParsers
{
    private const NumberStyles IntegerStyle = NumberStyles.Integer;
    private const NumberStyles RealStyle = NumberStyles.Float | NumberStyles.AllowThousands;

    public static EntrypointValueParser<string> String { get; } = new("string", "a string", static (string text, out string value) =>
    {
        value = text;
        return true;
    });

    public static EntrypointValueParser<bool> Boolean { get; } = new("bool", "true or false", bool.TryParse);

    public static EntrypointValueParser<sbyte> SByte { get; } = Integer<sbyte>("sbyte");

    public static EntrypointValueParser<byte> Byte { get; } = Integer<byte>("byte");

    public static EntrypointValueParser<short> Int16 { get; } = Integer<short>("short");

    public static EntrypointValueParser<ushort> UInt16 { get; } = Integer<ushort>("ushort");

    public static EntrypointValueParser<int> Int32 { get; } = Integer<int>("int");

    public static EntrypointValueParser<uint> UInt32 { get; } = Integer<uint>("uint");

    public static EntrypointValueParser<long> Int64 { get; } = Integer<long>("long");

    public static EntrypointValueParser<ulong> UInt64 { get; } = Integer<ulong>("ulong");

    public static EntrypointValueParser<float> Single { get; } = Real<float>("float");

    public static EntrypointValueParser<double> Double { get; } = Real<double>("double");

    public static EntrypointValueParser<decimal> Decimal { get; } = Real<decimal>("decimal");

    /// <summary>Enum members by name, ignoring case, dashes and underscores (<c>--mode fast-path</c> reads <c>FastPath</c>).</summary>
    public static EntrypointValueParser<T> Enum<T>()
        where T : struct, System.Enum
    {
        var names = System.Enum.GetNames<T>();
        return new EntrypointValueParser<T>(
            typeof(T).Name,
            "one of " + string.Join(", ", names.Select(EntrypointCommandLine.ToOptionName)),
            (string text, out T value) =>
            {
                var wanted = EntrypointCommandLine.Normalize(text);
                foreach (var name in names)
                {
                    if (EntrypointCommandLine.Normalize(name) == wanted)
                    {
                        value = System.Enum.Parse<T>(name);
                        return true;
                    }
                }

                value = default;
                return false;
            });
    }

    /// <summary>A nullable value: the option is optional and absent means null.</summary>
    public static EntrypointValueParser<T?> Nullable<T>(EntrypointValueParser<T> inner)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new EntrypointValueParser<T?>(inner.TypeLabel, inner.Expectation, (string text, out T? value) =>
        {
            if (inner.TryParse(text, out var parsed))
            {
                value = parsed;
                return true;
            }

            value = null;
            return false;
        });
    }

    private static EntrypointValueParser<T> Integer<T>(string label)
        where T : IBinaryInteger<T> =>
        new(label, "an integer", static (string text, out T value) => T.TryParse(text, IntegerStyle, CultureInfo.InvariantCulture, out value!));

    private static EntrypointValueParser<T> Real<T>(string label)
        where T : INumber<T> =>
        new(label, "a number", static (string text, out T value) => T.TryParse(text, RealStyle, CultureInfo.InvariantCulture, out value!));
}
