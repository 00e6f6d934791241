using Modal.Manifest;

namespace Modal.Rules;

/// <summary>
/// Checks a build manifest with the rules the analyzers apply at build time, so a hand-edited manifest or an API call
/// gets the same message the IDE shows. The control plane calls it when an app is created and raises an InvalidError
/// with the messages of the violations. (Not linked into the generator: the manifest types live only here.)
/// </summary>
public static class ManifestValidator
{
    /// <summary>Every violation of every function, each attributed to its function, plus names used twice.</summary>
    public static IReadOnlyList<RuleViolation> Validate(AppManifest app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var violations = new List<RuleViolation>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in app.Functions)
        {
            if (!names.Add(function.Name))
            {
                // The generator's MODAL012 message, so a manifest edited by hand reads like the build error.
                violations.Add(new RuleViolation(
                    RuleIds.DuplicateFunctionName,
                    $"App '{app.App}' has more than one function named '{function.Name}'; give one of them another name with [Function(Name = \"...\")]",
                    "Function.Name",
                    function: function.Name));
            }

            violations.AddRange(Validate(function));
        }

        return violations;
    }

    /// <summary>The violations of one function, attributed to it; empty when it is valid.</summary>
    public static IReadOnlyList<RuleViolation> Validate(FunctionManifest function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return FunctionRules.Check(ToSettings(function)).Select(v => v.ForFunction(function.Name)).ToList();
    }

    /// <summary>The rule inputs a manifest entry states.</summary>
    public static FunctionSettings ToSettings(FunctionManifest f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new FunctionSettings
        {
            Name = f.Name ?? "",
            Gpu = f.Resources?.Gpu,
            Cpu = f.Resources?.Cpu,
            CpuLimit = f.Resources?.CpuLimit,
            MemoryMiB = f.Resources?.MemoryMiB,
            MemoryLimitMiB = f.Resources?.MemoryLimitMiB,
            EphemeralDiskMiB = f.Resources?.EphemeralDiskMiB,
            TimeoutSeconds = f.TimeoutSeconds,
            StartupTimeoutSeconds = f.StartupTimeoutSeconds,
            MaxRetries = f.Retries?.MaxRetries,
            BackoffCoefficient = f.Retries?.BackoffCoefficient ?? 1.0,
            InitialDelaySeconds = f.Retries?.InitialDelaySeconds ?? 1.0,
            MaxDelaySeconds = f.Retries?.MaxDelaySeconds ?? 1.0,
            MinContainers = f.Autoscaler?.MinContainers,
            MaxContainers = f.Autoscaler?.MaxContainers,
            BufferContainers = f.Autoscaler?.BufferContainers,
            ScaledownWindowSeconds = f.Autoscaler?.ScaledownWindowSeconds,
            MaxInputs = f.MaxInputs,
            IsConcurrent = f.Concurrency is not null,
            ConcurrentMaxInputs = f.Concurrency?.MaxInputs ?? 0,
            ConcurrentTargetInputs = f.Concurrency?.TargetInputs,
            IsBatched = f.Batching is not null,
            MaxBatchSize = f.Batching?.MaxBatchSize ?? 0,
            BatchWaitMs = f.Batching?.WaitMs ?? 0,
            IsClustered = f.Cluster is not null,
            ClusterSize = f.Cluster?.Size ?? 0,
            ClusterRdma = f.Cluster?.Rdma ?? false,
            ScheduleKind = f.Schedule?.Kind,
            PeriodSeconds = f.Schedule?.PeriodSeconds,
            Cron = f.Schedule?.Cron,
            TimeZone = f.Schedule?.TimeZone,
            WebKind = f.Web?.Kind,
            IsGenerator = f.IsGenerator,
            ParameterCount = f.Parameters.Count,
            ParametersWithDefaults = f.Parameters.Where(p => p.HasDefault).Select(p => p.Name).ToList(),
            Volumes = (f.Volumes ?? []).Select(v => new KeyValuePair<string, string>(v.MountPath, v.Name)).ToList(),
        };
    }
}
