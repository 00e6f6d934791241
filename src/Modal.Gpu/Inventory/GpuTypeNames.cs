namespace Modal.Gpus.Inventory;

/// <summary>Maps the names drivers report (<c>NVIDIA A100-SXM4-80GB</c>, <c>Tesla T4</c>) to the platform's GPU types.</summary>
public static class GpuTypeNames
{
    /// <summary>A100s without a size in their name are told apart by memory; 80 GB parts report about 81,920 MiB.</summary>
    private const long A100LargeMemoryThresholdMiB = 60 * 1024;

    /// <summary>
    /// The platform type for <paramref name="deviceName"/>, or null when it is not a type the platform offers (e.g. an A10
    /// or an RTX card). <paramref name="memoryMiB"/> settles A100s whose name does not carry the size.
    /// </summary>
    public static string? FromDeviceName(string deviceName, long memoryMiB = 0)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        var tokens = deviceName.ToUpperInvariant().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var token in tokens)
        {
            // A token such as "A100-SXM4-80GB" carries its variant after dashes; the model is the first part.
            var model = token.Split('-')[0];
            switch (model)
            {
                case "H200":
                    return "H200";
                case "H100":
                    return "H100";
                case "B200":
                    return "B200";
                case "L40S":
                    return "L40S";
                case "L4":
                    return "L4";
                case "T4":
                    return "T4";
                case "A10G":
                    return "A10G";
                case "A100":
                    return A100Variant(tokens, memoryMiB);
            }
        }

        return null;
    }

    private static string A100Variant(string[] tokens, long memoryMiB)
    {
        foreach (var token in tokens)
        {
            if (token.Contains("80GB", StringComparison.Ordinal))
            {
                return "A100-80GB";
            }

            if (token.Contains("40GB", StringComparison.Ordinal))
            {
                return "A100-40GB";
            }
        }

        return memoryMiB >= A100LargeMemoryThresholdMiB ? "A100-80GB" : "A100-40GB";
    }
}
