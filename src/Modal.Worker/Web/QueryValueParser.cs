using System.Globalization;

namespace Modal.Worker.Web;

/// <summary>
/// Converts a query-string value to a primitive parameter's type. Numbers and dates are read with the invariant
/// culture, so a URL means the same on every container; a failure names what was expected, like FastAPI's messages.
/// </summary>
internal static class QueryValueParser
{
    /// <summary>Whether <paramref name="type"/> (or the T of a Nullable&lt;T&gt;) binds from the query string.</summary>
    public static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid) ||
            type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) ||
            type == typeof(TimeSpan) || type == typeof(Uri);
    }

    /// <summary>Parses <paramref name="text"/> as <paramref name="type"/>; on failure, <paramref name="problem"/> says what was expected.</summary>
    public static bool TryParse(string text, Type type, out object? value, out ValidationProblem.Kind problem)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        value = null;
        problem = default;
        var invariant = CultureInfo.InvariantCulture;
        const NumberStyles integer = NumberStyles.Integer;
        const NumberStyles real = NumberStyles.Float | NumberStyles.AllowThousands;
        var ok = true;
        if (target == typeof(string))
        {
            value = text;
        }
        else if (target.IsEnum)
        {
            // Names, case-insensitively, as the docs list them; a number only when it is a declared member.
            ok = Enum.TryParse(target, text, ignoreCase: true, out value) && Enum.IsDefined(target, value!);
            problem = new("enum", $"Input should be one of: {string.Join(", ", Enum.GetNames(target))}");
        }
        else
        {
            (bool Ok, object? Value, ValidationProblem.Kind Problem) parsed = Type.GetTypeCode(target) switch
            {
                TypeCode.Boolean => (TryParseBool(text, out var b), b, new ValidationProblem.Kind("bool_parsing", "Input should be a valid boolean (true, false, 1, 0, yes, no, on, off)")),
                TypeCode.Char => (text.Length == 1, text.Length == 1 ? text[0] : '\0', new("char_parsing", "Input should be a single character")),
                TypeCode.SByte => (sbyte.TryParse(text, integer, invariant, out var v), v, Int(target)),
                TypeCode.Byte => (byte.TryParse(text, integer, invariant, out var v), v, Int(target)),
                TypeCode.Int16 => (short.TryParse(text, integer, invariant, out var v), v, Int(target)),
                TypeCode.UInt16 => (ushort.TryParse(text, integer, invariant, out var v), v, Int(target)),
                TypeCode.Int32 => (int.TryParse(text, integer, invariant, out var v), v, Int(target)),
                TypeCode.UInt32 => (uint.TryParse(text, integer, invariant, out var v), v, Int(target)),
                TypeCode.Int64 => (long.TryParse(text, integer, invariant, out var v), v, Int(target)),
                TypeCode.UInt64 => (ulong.TryParse(text, integer, invariant, out var v), v, Int(target)),
                TypeCode.Single => (float.TryParse(text, real, invariant, out var v), v, Float()),
                TypeCode.Double => (double.TryParse(text, real, invariant, out var v), v, Float()),
                TypeCode.Decimal => (decimal.TryParse(text, real, invariant, out var v), v, Float()),
                TypeCode.DateTime => (DateTime.TryParse(text, invariant, DateTimeStyles.RoundtripKind, out var v), v, Date("datetime", "an ISO 8601 date and time")),
                _ when target == typeof(DateTimeOffset) => (DateTimeOffset.TryParse(text, invariant, DateTimeStyles.RoundtripKind, out var v), v, Date("datetime", "an ISO 8601 date and time")),
                _ when target == typeof(DateOnly) => (DateOnly.TryParse(text, invariant, out var v), v, Date("date", "a date such as 2024-01-31")),
                _ when target == typeof(TimeOnly) => (TimeOnly.TryParse(text, invariant, out var v), v, Date("time", "a time such as 13:45:00")),
                _ when target == typeof(TimeSpan) => (TimeSpan.TryParse(text, invariant, out var v), v, Date("time_delta", "a duration such as 00:01:30")),
                _ when target == typeof(Guid) => (Guid.TryParse(text, out var v), v, new ValidationProblem.Kind("uuid_parsing", "Input should be a valid UUID")),
                _ when target == typeof(Uri) => (Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var v), v, new ValidationProblem.Kind("url_parsing", "Input should be a valid URL")),
                _ => (false, null, new ValidationProblem.Kind("type_error", $"{target.Name} cannot be read from a query parameter")),
            };
            (ok, value, problem) = parsed;
        }

        if (!ok)
        {
            value = null;
        }

        return ok;
    }

    private static ValidationProblem.Kind Int(Type type) =>
        new("int_parsing", $"Input should be a valid integer ({type.Name}), unable to parse string as an integer");

    private static ValidationProblem.Kind Float() => new("float_parsing", "Input should be a valid number, unable to parse string as a number");

    private static ValidationProblem.Kind Date(string kind, string example) => new($"{kind}_parsing", $"Input should be {example}");

    private static bool TryParseBool(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on" or "t" or "y":
                value = true;
                return true;
            case "false" or "0" or "no" or "off" or "f" or "n":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
