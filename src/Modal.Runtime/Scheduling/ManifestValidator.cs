using Modal.Manifest;
using Modal.Rules;

namespace Modal.Scheduling;

/// <summary>
/// The control plane's check of a manifest's function settings, through the same <see cref="SettingRules"/> the
/// generator and analyzers use, so a hand-edited or stale manifest gets the message the IDE would have shown. Every
/// problem of the app is listed in one <see cref="InvalidError"/>.
/// </summary>
internal static class ManifestValidator
{
    public static void Validate(IReadOnlyList<FunctionManifest> functions)
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in functions)
        {
            if (string.IsNullOrWhiteSpace(function.Name))
            {
                problems.Add("a function has no name");
                continue;
            }

            if (!names.Add(function.Name))
            {
                problems.Add($"the name '{function.Name}' is used by more than one function");
            }

            foreach (var violation in Check(function))
            {
                problems.Add($"function '{function.Name}': {violation.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidError($"The app's manifest is invalid: {string.Join("; ", problems)} Fix the settings and rebuild the app.");
        }
    }

    private static IEnumerable<RuleViolation> Check(FunctionManifest f)
    {
        var violations = new List<RuleViolation?>
        {
            SettingRules.FunctionName(f.Name),
            SettingRules.Timeout(f.TimeoutSeconds),
            SettingRules.Timeout(f.StartupTimeoutSeconds),
            SettingRules.Gpu(f.Resources?.Gpu),
            SettingRules.Cpu(f.Resources?.Cpu, f.Resources?.CpuLimit),
            SettingRules.Memory(f.Resources?.MemoryMiB, f.Resources?.MemoryLimitMiB),
            SettingRules.EphemeralDisk(f.Resources?.EphemeralDiskMiB),
            SettingRules.Autoscaler(f.Autoscaler?.MinContainers, f.Autoscaler?.MaxContainers, f.Autoscaler?.BufferContainers,
                f.Autoscaler?.ScaledownWindowSeconds, f.Cluster?.Size),
        };

        if (string.IsNullOrWhiteSpace(f.EntryKey))
        {
            violations.Add(new RuleViolation("manifest", "it has no entry key; rebuild the app so the generator writes one."));
        }

        if (f.Retries is { } r)
        {
            violations.Add(SettingRules.Retries(r.MaxRetries, r.BackoffCoefficient, r.InitialDelaySeconds, r.MaxDelaySeconds));
        }

        if (f.Concurrency is { } c)
        {
            violations.Add(SettingRules.Concurrency(c.MaxInputs, c.TargetInputs));
        }

        if (f.Batching is { } b)
        {
            violations.Add(SettingRules.Batching(b.MaxBatchSize, b.WaitMs));
        }

        if (f.Cluster is { } cluster)
        {
            violations.Add(SettingRules.Cluster(cluster.Size, cluster.Rdma, f.Resources?.Gpu is not null));
        }

        if (f.Autoscaler?.MaxContainers is 0)
        {
            violations.Add(new RuleViolation("manifest", "MaxContainers is 0; a function needs at least 1 container to run."));
        }

        if (f.MaxInputs is { } maxInputs && maxInputs < 1)
        {
            violations.Add(new RuleViolation("manifest", $"MaxInputs is {maxInputs}; it must be at least 1 (1 makes containers single-use)."));
        }

        return violations.OfType<RuleViolation>();
    }
}
