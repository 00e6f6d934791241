using System.Globalization;
using System.Text.Json;

namespace Modal.GpuBench;

/// <summary>Writes one JSON object per line on stdout, the format run.sh and its summary read.</summary>
internal static class JsonLine
{
    public static void Write(params (string Name, object? Value)[] fields)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            // Six significant digits: enough for any timing, and small errors (1e-7) do not round to 0.
            values[name] = value is double d ? double.Parse(d.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(values));
        Console.Out.Flush();
    }
}
