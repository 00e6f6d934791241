// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0):
// keep it to language features and APIs both targets have.
using System.Collections.Generic;

namespace Modal.Rules
{
    /// <summary>
    /// The settings and shape of one function as plain values: what <see cref="FunctionRules"/> checks. The generator and
    /// analyzers fill it from attributes, the runtime from a manifest, so all three judge the same values. Null means
    /// "not written", and the platform's default applies.
    /// </summary>
    public sealed class FunctionSettings
    {
        public string Name { get; set; } = "";

        public string? Gpu { get; set; }

        public double? Cpu { get; set; }

        public double? CpuLimit { get; set; }

        public int? MemoryMiB { get; set; }

        public int? MemoryLimitMiB { get; set; }

        public int? EphemeralDiskMiB { get; set; }

        public int? TimeoutSeconds { get; set; }

        public int? StartupTimeoutSeconds { get; set; }

        /// <summary>Set when the function retries: <c>Retries = n</c> or <c>[Retries(n)]</c>.</summary>
        public int? MaxRetries { get; set; }

        public double BackoffCoefficient { get; set; } = 1.0;

        public double InitialDelaySeconds { get; set; } = 1.0;

        public double MaxDelaySeconds { get; set; } = 1.0;

        public int? MinContainers { get; set; }

        public int? MaxContainers { get; set; }

        public int? BufferContainers { get; set; }

        public int? ScaledownWindowSeconds { get; set; }

        public int? MaxInputs { get; set; }

        public bool IsConcurrent { get; set; }

        public int ConcurrentMaxInputs { get; set; }

        public int? ConcurrentTargetInputs { get; set; }

        public bool IsBatched { get; set; }

        public int MaxBatchSize { get; set; }

        public int BatchWaitMs { get; set; }

        public bool IsClustered { get; set; }

        public int ClusterSize { get; set; }

        public bool ClusterRdma { get; set; }

        /// <summary><c>period</c>, <c>cron</c> or null for an unscheduled function.</summary>
        public string? ScheduleKind { get; set; }

        public double? PeriodSeconds { get; set; }

        public string? Cron { get; set; }

        public string? TimeZone { get; set; }

        /// <summary><c>endpoint</c>, <c>app</c>, <c>server</c>, or null when the function is not served over HTTP.</summary>
        public string? WebKind { get; set; }

        /// <summary>True for a function that streams its results (IAsyncEnumerable).</summary>
        public bool IsGenerator { get; set; }

        /// <summary>Parameters a caller supplies (a CancellationToken is not one).</summary>
        public int ParameterCount { get; set; }

        /// <summary>Names of the parameters that have default values.</summary>
        public IReadOnlyList<string> ParametersWithDefaults { get; set; } = new string[0];

        /// <summary>Volume mounts in declaration order, as (mount path, volume name).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Volumes { get; set; } = new KeyValuePair<string, string>[0];
    }
}
