using System.Globalization;

namespace Modal.Gpus.Inventory;

/// <summary>
/// Parses the output of <c>nvidia-smi --query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits</c>, e.g.
/// <c>0, NVIDIA H100 80GB HBM3, 81559, GPU-5d3b…</c>.
/// </summary>
public static class NvidiaSmiParser
{
    /// <summary>The arguments that produce the text <see cref="Parse"/> reads.</summary>
    public const string QueryArguments = "--query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits";

    /// <summary>Parses every non-empty line; throws <see cref="FormatException"/> naming the first line it cannot read.</summary>
    public static IReadOnlyList<GpuDevice> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var devices = new List<GpuDevice>();
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 4)
            {
                throw new FormatException(
                    $"nvidia-smi printed \"{line}\", which is not \"index, name, memory.total, uuid\". " +
                    $"Check that `nvidia-smi {QueryArguments}` works on this node.");
            }

            var indexText = fields[0].Trim();
            if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw new FormatException($"nvidia-smi printed \"{line}\", whose index \"{indexText}\" is not a whole number.");
            }

            var name = fields[1].Trim();
            var memoryMiB = ParseMemory(fields[2].Trim());
            var uuid = fields[3].Trim();
            devices.Add(GpuDevice.FromDriver(index, name, memoryMiB, IsMissing(uuid) ? null : uuid));
        }

        devices.Sort((x, y) => x.Index.CompareTo(y.Index));
        return devices;
    }

    // Drivers print "[N/A]" or "[Not Supported]" for fields some devices (MIG, vGPU) do not report; a device without a
    // memory figure can still be placed.
    private static long ParseMemory(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static bool IsMissing(string text) => text.Length == 0 || text.StartsWith('[');
}
