using System.Globalization;
using System.Text;
using Modal.Manifest;

namespace Modal.Backends;

/// <summary>
/// Names the settings a function manifest states, so each backend can say which it honours and refuse the rest in
/// one message instead of silently ignoring them.
/// </summary>
public static class FunctionSettings
{
    public const string Timeout = "timeout";
    public const string StartupTimeout = "startupTimeout";
    public const string Retries = "retries";
    public const string MinContainers = "minContainers";
    public const string MaxContainers = "maxContainers";
    public const string BufferContainers = "bufferContainers";
    public const string ScaledownWindow = "scaledownWindow";
    public const string MaxInputs = "maxInputs";
    public const string Concurrency = "concurrency";
    public const string Gpu = "gpu";
    public const string Cpu = "cpu";
    public const string CpuLimit = "cpuLimit";
    public const string Memory = "memory";
    public const string MemoryLimit = "memoryLimit";
    public const string EphemeralDisk = "ephemeralDisk";
    public const string Image = "image";
    public const string Secrets = "secrets";
    public const string Volumes = "volumes";
    public const string Region = "region";
    public const string Cloud = "cloud";
    public const string Cluster = "cluster";
    public const string Batching = "batching";
    public const string Web = "web";
    public const string Schedule = "schedule";
    public const string RestrictModalAccess = "restrictModalAccess";
    public const string BlockNetwork = "blockNetwork";
    public const string Generator = "generator";

    /// <summary>Every setting <paramref name="function"/> states. Absent settings (null, false) are not listed.</summary>
    public static IReadOnlyList<FunctionSetting> Present(FunctionManifest function)
    {
        var settings = new List<FunctionSetting>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                settings.Add(new FunctionSetting(name, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
            }
        }

        Add(Timeout, function.TimeoutSeconds is { } timeout ? $"{timeout}s" : null);
        Add(StartupTimeout, function.StartupTimeoutSeconds is { } startup ? $"{startup}s" : null);
        Add(Retries, function.Retries?.MaxRetries);
        Add(MinContainers, function.Autoscaler?.MinContainers);
        Add(MaxContainers, function.Autoscaler?.MaxContainers);
        Add(BufferContainers, function.Autoscaler?.BufferContainers);
        Add(ScaledownWindow, function.Autoscaler?.ScaledownWindowSeconds is { } window ? $"{window}s" : null);
        Add(MaxInputs, function.MaxInputs);
        Add(Concurrency, function.Concurrency is { } c ? $"maxInputs {c.MaxInputs}" + (c.TargetInputs is { } t ? $", targetInputs {t}" : "") : null);

        var resources = function.Resources;
        Add(Gpu, resources?.Gpu);
        Add(Cpu, resources?.Cpu);
        Add(CpuLimit, resources?.CpuLimit);
        Add(Memory, resources?.MemoryMiB is { } memory ? $"{memory} MiB" : null);
        Add(MemoryLimit, resources?.MemoryLimitMiB is { } memoryLimit ? $"{memoryLimit} MiB" : null);
        Add(EphemeralDisk, resources?.EphemeralDiskMiB is { } disk ? $"{disk} MiB" : null);

        Add(Image, function.Image is { } image ? DescribeImage(image) : null);
        Add(Secrets, function.Secrets is { Count: > 0 } secrets ? $"[{string.Join(", ", secrets)}]" : null);
        Add(Volumes, function.Volumes is { Count: > 0 } volumes ? $"[{string.Join(", ", volumes.Select(v => $"{v.MountPath}: {v.Name}"))}]" : null);
        Add(Region, function.Region);
        Add(Cloud, function.Cloud);
        Add(Cluster, function.Cluster is { } cluster ? $"size {cluster.Size}" + (cluster.Rdma ? " with RDMA" : "") : null);
        Add(Batching, function.Batching is { } batching ? $"maxBatchSize {batching.MaxBatchSize}, waitMs {batching.WaitMs}" : null);
        Add(Web, function.Web?.Kind);
        Add(Schedule, function.Schedule is { } schedule ? DescribeSchedule(schedule) : null);
        Add(RestrictModalAccess, function.RestrictModalAccess == true ? "true" : null);
        Add(BlockNetwork, function.BlockNetwork == true ? "true" : null);
        Add(Generator, function.IsGenerator ? "true" : null);
        return settings;
    }

    /// <summary>
    /// Throws <see cref="InvalidError"/> listing every setting of every function that <paramref name="isSupported"/>
    /// refuses, e.g. "Function 'Square' sets gpu=H100, which the local backend does not support yet. Remove the setting
    /// or choose a backend that supports it."
    /// </summary>
    public static void EnsureSupported(string backendName, IEnumerable<FunctionManifest> functions, Func<string, bool> isSupported)
    {
        var offenders = new List<(string Function, List<FunctionSetting> Settings)>();
        foreach (var function in functions)
        {
            var unsupported = Present(function).Where(s => !isSupported(s.Name)).ToList();
            if (unsupported.Count > 0)
            {
                offenders.Add((function.Name, unsupported));
            }
        }

        if (offenders.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        for (var i = 0; i < offenders.Count; i++)
        {
            var (function, settings) = offenders[i];
            message.Append(i == 0 ? "Function '" : "; function '").Append(function).Append("' sets ")
                .Append(JoinWithAnd(settings.Select(s => s.ToString()).ToList()));
        }

        var several = offenders.Count > 1 || offenders[0].Settings.Count > 1;
        message.Append(", which the ").Append(backendName).Append(" backend does not support yet. ")
            .Append(several
                ? "Remove these settings or choose a backend that supports them."
                : "Remove the setting or choose a backend that supports it.");
        throw new InvalidError(message.ToString());
    }

    private static string JoinWithAnd(IReadOnlyList<string> items) => items.Count switch
    {
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };

    private static string DescribeImage(ImageManifest image) =>
        image.Steps.Count == 0 ? "(empty)" : string.Join(".", image.Steps.Select(s => $"{s.Kind}()"));

    private static string DescribeSchedule(ScheduleManifest schedule) => schedule.Kind switch
    {
        "cron" => $"cron '{schedule.Cron}'" + (schedule.TimeZone is { } zone ? $" ({zone})" : ""),
        "period" => $"period {schedule.PeriodSeconds?.ToString(CultureInfo.InvariantCulture)}s",
        _ => schedule.Kind,
    };
}
