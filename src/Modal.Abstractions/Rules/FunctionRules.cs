// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0):
// keep it to language features and APIs both targets have.
using System.Collections.Generic;

namespace Modal.Rules
{
    /// <summary>
    /// Every configuration rule of one function, in one list. The analyzers report what it returns, the generator skips a
    /// function it finds fault with, and the control plane rejects a manifest with the same messages.
    /// </summary>
    public static class FunctionRules
    {
        /// <summary>All violations of <paramref name="f"/>, at most one per rule, in a stable order; empty when it is valid.</summary>
        public static IReadOnlyList<RuleViolation> Check(FunctionSettings f)
        {
            var violations = new List<RuleViolation>();
            Add(violations, SettingRules.FunctionName(f.Name));
            Add(violations, SettingRules.Gpu(f.Gpu));
            Add(violations, SettingRules.Cpu(f.Cpu, f.CpuLimit));
            Add(violations, SettingRules.Memory(f.MemoryMiB, f.MemoryLimitMiB));
            Add(violations, SettingRules.EphemeralDisk(f.EphemeralDiskMiB));
            Add(violations, SettingRules.Timeout(f.TimeoutSeconds));
            Add(violations, SettingRules.Timeout(f.StartupTimeoutSeconds, "StartupTimeout"));
            Add(violations, SettingRules.Autoscaler(
                f.MinContainers, f.MaxContainers, f.BufferContainers, f.ScaledownWindowSeconds, f.IsClustered ? f.ClusterSize : (int?)null));
            Add(violations, SettingRules.MaxInputs(f.MaxInputs));

            if (f.MaxRetries is int retries)
            {
                Add(violations, SettingRules.Retries(retries, f.BackoffCoefficient, f.InitialDelaySeconds, f.MaxDelaySeconds));
                Add(violations, SettingRules.RetriesAllowed(retries, f.WebKind, f.IsGenerator));
            }

            if (f.IsConcurrent)
            {
                Add(violations, SettingRules.Concurrency(f.ConcurrentMaxInputs, f.ConcurrentTargetInputs));
            }

            if (f.IsBatched)
            {
                Add(violations, SettingRules.Batching(f.MaxBatchSize, f.BatchWaitMs));
                Add(violations, SettingRules.BatchedFunction(f.IsGenerator, f.IsConcurrent, f.ParametersWithDefaults));
            }

            if (f.IsClustered)
            {
                Add(violations, SettingRules.Cluster(f.ClusterSize, f.ClusterRdma, f.Gpu is not null));
            }

            if (f.ScheduleKind == "period")
            {
                Add(violations, SettingRules.Period(f.PeriodSeconds ?? 0));
            }
            else if (f.ScheduleKind == "cron")
            {
                Add(violations, SettingRules.Cron(f.Cron));
                Add(violations, SettingRules.TimeZone(f.TimeZone));
            }

            if (f.ScheduleKind is not null)
            {
                Add(violations, SettingRules.ScheduledParameters(f.ScheduleKind, f.ParameterCount));
            }

            if (f.Volumes.Count > 0)
            {
                Add(violations, SettingRules.Volumes(f.Volumes));
            }

            return violations;
        }

        private static void Add(List<RuleViolation> violations, RuleViolation? violation)
        {
            if (violation is not null)
            {
                violations.Add(violation);
            }
        }
    }
}
