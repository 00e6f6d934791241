// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0):
// keep it to language features and APIs both targets have.
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Modal.Rules
{
    /// <summary>
    /// The rules the reference states for a function's settings, as plain checks over values. Each returns null when the
    /// value is allowed. The generator and analyzers report violations as diagnostics; the runtime raises them as
    /// InvalidError, so a hand-edited manifest gets the same message as the IDE.
    /// </summary>
    public static class SettingRules
    {
        /// <summary>Largest CPU request or limit, in cores, a function may ask for.</summary>
        public const double MaxCpu = 64;

        /// <summary>Largest memory request or limit, in MiB (336 GiB).</summary>
        public const int MaxMemoryMiB = 344_064;

        private static readonly Regex NamePattern = new Regex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant);

        public static RuleViolation? Gpu(string? gpu)
        {
            if (gpu is null)
            {
                return null;
            }

            return GpuSpec.TryParse(gpu, out _, out var error, out _) ? null : new RuleViolation(RuleIds.InvalidGpu, error!);
        }

        public static RuleViolation? Cpu(double? request, double? limit)
        {
            if (request is double r && r <= 0)
            {
                return new RuleViolation(RuleIds.InvalidCpu, $"Cpu is {Format(r)}; a CPU request must be greater than 0 cores (the default is {Format(ModalLimits.DefaultCpu)}).");
            }

            if (request is double r2 && r2 > MaxCpu)
            {
                return new RuleViolation(RuleIds.InvalidCpu, $"Cpu is {Format(r2)} cores; the most a function may request is {Format(MaxCpu)} cores.");
            }

            if (limit is double l)
            {
                if (l <= 0 || l > MaxCpu)
                {
                    return new RuleViolation(RuleIds.InvalidCpu, $"CpuLimit is {Format(l)}; a CPU limit must be greater than 0 and at most {Format(MaxCpu)} cores.");
                }

                var effectiveRequest = request ?? ModalLimits.DefaultCpu;
                if (l < effectiveRequest)
                {
                    return new RuleViolation(RuleIds.InvalidCpu, $"CpuLimit ({Format(l)}) is below the CPU request ({Format(effectiveRequest)}); the limit must be at least the request.");
                }
            }

            return null;
        }

        public static RuleViolation? Memory(int? requestMiB, int? limitMiB)
        {
            if (requestMiB is int r && r <= 0)
            {
                return new RuleViolation(RuleIds.InvalidMemory, $"Memory is {r} MiB; a memory request must be greater than 0 MiB (the default is {ModalLimits.DefaultMemoryMiB}).");
            }

            if (requestMiB is int r2 && r2 > MaxMemoryMiB)
            {
                return new RuleViolation(RuleIds.InvalidMemory, $"Memory is {r2} MiB; the most a function may request is {MaxMemoryMiB} MiB.");
            }

            if (limitMiB is int l)
            {
                if (l <= 0 || l > MaxMemoryMiB)
                {
                    return new RuleViolation(RuleIds.InvalidMemory, $"MemoryLimit is {l} MiB; a memory limit must be greater than 0 and at most {MaxMemoryMiB} MiB.");
                }

                var effectiveRequest = requestMiB ?? ModalLimits.DefaultMemoryMiB;
                if (l < effectiveRequest)
                {
                    return new RuleViolation(RuleIds.InvalidMemory, $"MemoryLimit ({l} MiB) is below the memory request ({effectiveRequest} MiB); the limit must be at least the request.");
                }
            }

            return null;
        }

        public static RuleViolation? EphemeralDisk(int? mib)
        {
            if (mib is int d && (d <= 0 || d > ModalLimits.MaxEphemeralDiskMiB))
            {
                return new RuleViolation(RuleIds.InvalidEphemeralDisk, $"EphemeralDisk is {d} MiB; it must be greater than 0 and at most {ModalLimits.MaxEphemeralDiskMiB} MiB (3.0 TiB).");
            }

            return null;
        }

        /// <summary>Autoscaler counts; for a clustered function (<c>clusterSize</c> set) counts must be multiples of the cluster size.</summary>
        public static RuleViolation? Autoscaler(int? min, int? max, int? buffer, int? scaledownWindowSeconds, int? clusterSize = null)
        {
            foreach (var (name, value) in new[] { ("MinContainers", min), ("MaxContainers", max), ("BufferContainers", buffer) })
            {
                if (value is int v && v < 0)
                {
                    return new RuleViolation(RuleIds.InvalidAutoscaler, $"{name} is {v}; container counts cannot be negative.");
                }

                if (value is int c && clusterSize is int size && size > 0 && c % size != 0)
                {
                    return new RuleViolation(RuleIds.InvalidAutoscaler, $"{name} is {c}, which is not a multiple of the cluster size {size}; clustered functions scale in whole clusters.");
                }
            }

            if (min is int lo && max is int hi && lo > hi)
            {
                return new RuleViolation(RuleIds.InvalidAutoscaler, $"MinContainers ({lo}) is greater than MaxContainers ({hi}); the warm pool cannot exceed the maximum.");
            }

            if (scaledownWindowSeconds is int w && w <= 0)
            {
                return new RuleViolation(RuleIds.InvalidAutoscaler, $"ScaledownWindow is {w} s; it must be at least 1 second (the default is {ModalLimits.DefaultScaledownWindowSeconds}).");
            }

            return null;
        }

        public static RuleViolation? Timeout(int? seconds)
        {
            if (seconds is int s && (s < ModalLimits.MinTimeoutSeconds || s > ModalLimits.MaxTimeoutSeconds))
            {
                return new RuleViolation(RuleIds.InvalidTimeout, $"Timeout is {s} s; it must be between {ModalLimits.MinTimeoutSeconds} s and {ModalLimits.MaxTimeoutSeconds} s (24 h). The default is {ModalLimits.DefaultTimeoutSeconds} s.");
            }

            return null;
        }

        public static RuleViolation? Retries(int maxRetries, double backoffCoefficient, double initialDelaySeconds, double maxDelaySeconds)
        {
            if (maxRetries < 0 || maxRetries > ModalLimits.MaxRetries)
            {
                return new RuleViolation(RuleIds.InvalidRetries, $"Retries is {maxRetries}; the number of retries must be between 0 and {ModalLimits.MaxRetries}.");
            }

            if (backoffCoefficient < ModalLimits.MinBackoffCoefficient || backoffCoefficient > ModalLimits.MaxBackoffCoefficient)
            {
                return new RuleViolation(RuleIds.InvalidRetries, $"BackoffCoefficient is {Format(backoffCoefficient)}; it must be between {Format(ModalLimits.MinBackoffCoefficient)} and {Format(ModalLimits.MaxBackoffCoefficient)}.");
            }

            if (initialDelaySeconds < ModalLimits.MinInitialDelaySeconds || initialDelaySeconds > ModalLimits.MaxInitialDelaySeconds)
            {
                return new RuleViolation(RuleIds.InvalidRetries, $"InitialDelay is {Format(initialDelaySeconds)} s; it must be between {Format(ModalLimits.MinInitialDelaySeconds)} and {Format(ModalLimits.MaxInitialDelaySeconds)} s.");
            }

            if (maxDelaySeconds < ModalLimits.MinMaxDelaySeconds || maxDelaySeconds > ModalLimits.MaxMaxDelaySeconds)
            {
                return new RuleViolation(RuleIds.InvalidRetries, $"MaxDelay is {Format(maxDelaySeconds)} s; it must be between {Format(ModalLimits.MinMaxDelaySeconds)} and {Format(ModalLimits.MaxMaxDelaySeconds)} s.");
            }

            return null;
        }

        public static RuleViolation? Concurrency(int maxInputs, int? targetInputs)
        {
            if (maxInputs <= 0)
            {
                return new RuleViolation(RuleIds.InvalidConcurrency, $"[Concurrent] MaxInputs is {maxInputs}; set MaxInputs to the most inputs one container may run at once (at least 1).");
            }

            if (targetInputs is int t && (t <= 0 || t > maxInputs))
            {
                return new RuleViolation(RuleIds.InvalidConcurrency, $"[Concurrent] TargetInputs is {t}; it must be between 1 and MaxInputs ({maxInputs}), since containers burst above the target up to the max.");
            }

            return null;
        }

        public static RuleViolation? Batching(int maxBatchSize, int waitMs)
        {
            if (maxBatchSize < 1 || maxBatchSize > ModalLimits.MaxBatchSize)
            {
                return new RuleViolation(RuleIds.InvalidBatching, $"[Batched] MaxBatchSize is {maxBatchSize}; it must be between 1 and {ModalLimits.MaxBatchSize}.");
            }

            if (waitMs < 0 || waitMs > ModalLimits.MaxBatchWaitMs)
            {
                return new RuleViolation(RuleIds.InvalidBatching, $"[Batched] WaitMs is {waitMs}; it must be between 0 and {ModalLimits.MaxBatchWaitMs} ms.");
            }

            return null;
        }

        public static RuleViolation? Period(double seconds)
        {
            return seconds > 0
                ? null
                : new RuleViolation(RuleIds.InvalidSchedule, $"[Period] adds up to {Format(seconds)} s; a period must be longer than 0. Set Days, Hours, Minutes or Seconds.");
        }

        public static RuleViolation? FunctionName(string name)
        {
            return NamePattern.IsMatch(name)
                ? null
                : new RuleViolation(RuleIds.InvalidFunctionName, $"Function name '{name}' is not allowed; names are 1 to 64 characters of letters, digits, '-', '_' and '.'.");
        }

        public static RuleViolation? Cluster(int size, bool rdma, bool hasGpu)
        {
            if (size <= 0)
            {
                return new RuleViolation(RuleIds.InvalidCluster, $"[Clustered] Size is {size}; a cluster needs at least 1 container.");
            }

            if (rdma && !hasGpu)
            {
                return new RuleViolation(RuleIds.InvalidCluster, "[Clustered] Rdma = true needs a GPU; set Gpu on the function or remove Rdma.");
            }

            return null;
        }

        /// <summary>Checks every mount path, and that no volume is mounted twice.</summary>
        public static RuleViolation? Volumes(IReadOnlyList<KeyValuePair<string, string>> mounts)
        {
            var paths = new HashSet<string>();
            var names = new HashSet<string>();
            foreach (var mount in mounts)
            {
                var path = mount.Key;
                if (!path.StartsWith("/"))
                {
                    return new RuleViolation(RuleIds.InvalidVolume, $"Volume mount path '{path}' is not absolute; mount volumes at an absolute path such as '/data'.");
                }

                var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
                if (trimmed == "/" || trimmed == "/root" || trimmed == "/tmp")
                {
                    return new RuleViolation(RuleIds.InvalidVolume, $"Volume mount path '{path}' is reserved; choose another absolute path such as '/data'.");
                }

                if (!paths.Add(trimmed))
                {
                    return new RuleViolation(RuleIds.InvalidVolume, $"Two volumes are mounted at '{trimmed}'; each mount path can hold one volume.");
                }

                if (!names.Add(mount.Value))
                {
                    return new RuleViolation(RuleIds.InvalidVolume, $"Volume '{mount.Value}' is mounted twice; mount each volume once.");
                }
            }

            return null;
        }

        private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
