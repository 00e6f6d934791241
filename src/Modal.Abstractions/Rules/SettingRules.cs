// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0):
// keep it to language features and APIs both targets have.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using Cronos;

namespace Modal.Rules
{
    /// <summary>
    /// The rules the reference states for a function's settings, as plain checks over values. Each returns null when the
    /// value is allowed. <see cref="FunctionRules"/> applies all of them to one function; the generator and analyzers
    /// report violations as diagnostics, the runtime raises them as InvalidError, so a hand-edited manifest gets the same
    /// message as the IDE.
    /// </summary>
    public static class SettingRules
    {
        /// <summary>Largest CPU request or limit, in cores, a function may ask for.</summary>
        public const double MaxCpu = 64;

        /// <summary>Largest memory request or limit, in MiB (336 GiB).</summary>
        public const int MaxMemoryMiB = 344_064;

        private static readonly Regex NamePattern = new Regex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant);

        // Null until first asked: whether this process resolves IANA time zone names at all (see TimeZone).
        private static bool? _resolvesIanaNames;

        public static RuleViolation? Gpu(string? gpu)
        {
            if (gpu is null)
            {
                return null;
            }

            return GpuSpec.TryParse(gpu, out _, out var error, out var suggestion)
                ? null
                : new RuleViolation(RuleIds.InvalidGpu, error!, "Function.Gpu", suggestion);
        }

        public static RuleViolation? Cpu(double? request, double? limit)
        {
            if (request is double r && r <= 0)
            {
                return new RuleViolation(RuleIds.InvalidCpu, $"Cpu is {Format(r)}; a CPU request must be greater than 0 cores (the default is {Format(ModalLimits.DefaultCpu)}).", "Function.Cpu");
            }

            if (request is double r2 && r2 > MaxCpu)
            {
                return new RuleViolation(RuleIds.InvalidCpu, $"Cpu is {Format(r2)} cores; the most a function may request is {Format(MaxCpu)} cores.", "Function.Cpu");
            }

            if (limit is double l)
            {
                if (l <= 0 || l > MaxCpu)
                {
                    return new RuleViolation(RuleIds.InvalidCpu, $"CpuLimit is {Format(l)}; a CPU limit must be greater than 0 and at most {Format(MaxCpu)} cores.", "Function.CpuLimit");
                }

                var effectiveRequest = request ?? ModalLimits.DefaultCpu;
                if (l < effectiveRequest)
                {
                    return new RuleViolation(RuleIds.InvalidCpu, $"CpuLimit ({Format(l)}) is below the CPU request ({Format(effectiveRequest)}); the limit must be at least the request.", "Function.CpuLimit");
                }
            }

            return null;
        }

        public static RuleViolation? Memory(int? requestMiB, int? limitMiB)
        {
            if (requestMiB is int r && r <= 0)
            {
                return new RuleViolation(RuleIds.InvalidMemory, $"Memory is {r} MiB; a memory request must be greater than 0 MiB (the default is {ModalLimits.DefaultMemoryMiB}).", "Function.Memory");
            }

            if (requestMiB is int r2 && r2 > MaxMemoryMiB)
            {
                return new RuleViolation(RuleIds.InvalidMemory, $"Memory is {r2} MiB; the most a function may request is {MaxMemoryMiB} MiB (336 GiB).", "Function.Memory");
            }

            if (limitMiB is int l)
            {
                if (l <= 0 || l > MaxMemoryMiB)
                {
                    return new RuleViolation(RuleIds.InvalidMemory, $"MemoryLimit is {l} MiB; a memory limit must be greater than 0 and at most {MaxMemoryMiB} MiB (336 GiB).", "Function.MemoryLimit");
                }

                var effectiveRequest = requestMiB ?? ModalLimits.DefaultMemoryMiB;
                if (l < effectiveRequest)
                {
                    return new RuleViolation(RuleIds.InvalidMemory, $"MemoryLimit ({l} MiB) is below the memory request ({effectiveRequest} MiB); the limit must be at least the request.", "Function.MemoryLimit");
                }
            }

            return null;
        }

        public static RuleViolation? EphemeralDisk(int? mib)
        {
            if (mib is int d && (d <= 0 || d > ModalLimits.MaxEphemeralDiskMiB))
            {
                return new RuleViolation(RuleIds.InvalidEphemeralDisk, $"EphemeralDisk is {d} MiB; it must be greater than 0 and at most {ModalLimits.MaxEphemeralDiskMiB} MiB (3.0 TiB).", "Function.EphemeralDisk");
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
                    return new RuleViolation(RuleIds.InvalidAutoscaler, $"{name} is {v}; container counts cannot be negative.", "Function." + name);
                }

                if (value is int c && clusterSize is int size && size > 0 && c % size != 0)
                {
                    return new RuleViolation(RuleIds.InvalidAutoscaler, $"{name} is {c}, which is not a multiple of the cluster size {size}; clustered functions scale in whole clusters, so use 0, {size}, {size * 2}, ...", "Function." + name);
                }
            }

            if (max is 0)
            {
                return new RuleViolation(RuleIds.InvalidAutoscaler, "MaxContainers is 0; a function needs at least 1 container to run. Leave MaxContainers out for no upper bound.", "Function.MaxContainers");
            }

            if (min is int lo && max is int hi && lo > hi)
            {
                return new RuleViolation(RuleIds.InvalidAutoscaler, $"MinContainers ({lo}) is greater than MaxContainers ({hi}); the warm pool cannot exceed the maximum.", "Function.MinContainers");
            }

            if (scaledownWindowSeconds is int w && w <= 0)
            {
                return new RuleViolation(RuleIds.InvalidAutoscaler, $"ScaledownWindow is {w} s; it must be at least 1 second (the default is {ModalLimits.DefaultScaledownWindowSeconds}).", "Function.ScaledownWindow");
            }

            return null;
        }

        /// <summary>An execution or startup timeout; <paramref name="name"/> is the setting's name in the message.</summary>
        public static RuleViolation? Timeout(int? seconds, string name = "Timeout")
        {
            if (seconds is int s && (s < ModalLimits.MinTimeoutSeconds || s > ModalLimits.MaxTimeoutSeconds))
            {
                return new RuleViolation(RuleIds.InvalidTimeout, $"{name} is {s} s; it must be between {ModalLimits.MinTimeoutSeconds} s and {ModalLimits.MaxTimeoutSeconds} s (24 h). The default is {ModalLimits.DefaultTimeoutSeconds} s.", "Function." + name);
            }

            return null;
        }

        /// <summary>Inputs a container serves before it is replaced.</summary>
        public static RuleViolation? MaxInputs(int? maxInputs)
        {
            if (maxInputs is int m && m < 1)
            {
                return new RuleViolation(RuleIds.InvalidMaxInputs, $"MaxInputs is {m}; it must be at least 1 (1 makes containers single-use). Leave it out to reuse containers without limit.", "Function.MaxInputs");
            }

            return null;
        }

        public static RuleViolation? Retries(int maxRetries, double backoffCoefficient, double initialDelaySeconds, double maxDelaySeconds)
        {
            if (maxRetries < 0 || maxRetries > ModalLimits.MaxRetries)
            {
                return new RuleViolation(RuleIds.InvalidRetries, $"Retries is {maxRetries}; the number of retries must be between 0 and {ModalLimits.MaxRetries}.", "Retries.MaxRetries");
            }

            if (backoffCoefficient < ModalLimits.MinBackoffCoefficient || backoffCoefficient > ModalLimits.MaxBackoffCoefficient)
            {
                return new RuleViolation(RuleIds.InvalidRetries, $"BackoffCoefficient is {Format(backoffCoefficient)}; it must be between {Format(ModalLimits.MinBackoffCoefficient)} and {Format(ModalLimits.MaxBackoffCoefficient)}.", "Retries.BackoffCoefficient");
            }

            if (initialDelaySeconds < ModalLimits.MinInitialDelaySeconds || initialDelaySeconds > ModalLimits.MaxInitialDelaySeconds)
            {
                return new RuleViolation(RuleIds.InvalidRetries, $"InitialDelay is {Format(initialDelaySeconds)} s; it must be between {Format(ModalLimits.MinInitialDelaySeconds)} and {Format(ModalLimits.MaxInitialDelaySeconds)} s.", "Retries.InitialDelay");
            }

            if (maxDelaySeconds < ModalLimits.MinMaxDelaySeconds || maxDelaySeconds > ModalLimits.MaxMaxDelaySeconds)
            {
                return new RuleViolation(RuleIds.InvalidRetries, $"MaxDelay is {Format(maxDelaySeconds)} s; it must be between {Format(ModalLimits.MinMaxDelaySeconds)} and {Format(ModalLimits.MaxMaxDelaySeconds)} s.", "Retries.MaxDelay");
            }

            return null;
        }

        /// <summary>
        /// Retries re-run a whole input. A web request has a caller waiting on one HTTP response, and a generator may
        /// already have sent items, so neither can be re-run safely.
        /// </summary>
        public static RuleViolation? RetriesAllowed(int maxRetries, string? webKind, bool isGenerator)
        {
            if (maxRetries <= 0)
            {
                return null;
            }

            if (webKind is not null)
            {
                return new RuleViolation(RuleIds.RetriesNotAllowed, $"Retries are not supported on a web {webKind} function: a request cannot be re-run behind the caller's back. Remove the retries, or have the endpoint spawn a function that retries.", "Retries.MaxRetries");
            }

            if (isGenerator)
            {
                return new RuleViolation(RuleIds.RetriesNotAllowed, "Retries are not supported on a generator (IAsyncEnumerable) function: items already sent cannot be taken back. Remove the retries, or return a complete result instead of streaming.", "Retries.MaxRetries");
            }

            return null;
        }

        public static RuleViolation? Concurrency(int maxInputs, int? targetInputs)
        {
            if (maxInputs <= 0)
            {
                return new RuleViolation(RuleIds.InvalidConcurrency, $"[Concurrent] MaxInputs is {maxInputs}; set MaxInputs to the most inputs one container may run at once (at least 1).", "Concurrent.MaxInputs");
            }

            if (targetInputs is int t && (t <= 0 || t > maxInputs))
            {
                return new RuleViolation(RuleIds.InvalidConcurrency, $"[Concurrent] TargetInputs is {t}; it must be between 1 and MaxInputs ({maxInputs}), since containers burst above the target up to the max.", "Concurrent.TargetInputs");
            }

            return null;
        }

        public static RuleViolation? Batching(int maxBatchSize, int waitMs)
        {
            if (maxBatchSize < 1 || maxBatchSize > ModalLimits.MaxBatchSize)
            {
                return new RuleViolation(RuleIds.InvalidBatching, $"[Batched] MaxBatchSize is {maxBatchSize}; it must be between 1 and {ModalLimits.MaxBatchSize}.", "Batched.MaxBatchSize");
            }

            if (waitMs < 0 || waitMs > ModalLimits.MaxBatchWaitMs)
            {
                return new RuleViolation(RuleIds.InvalidBatching, $"[Batched] WaitMs is {waitMs}; it must be between 0 and {ModalLimits.MaxBatchWaitMs} ms.", "Batched.WaitMs");
            }

            return null;
        }

        /// <summary>What a [Batched] function may be combined with, beyond its list signature.</summary>
        public static RuleViolation? BatchedFunction(bool isGenerator, bool isConcurrent, IReadOnlyList<string> parametersWithDefaults)
        {
            if (isGenerator)
            {
                return new RuleViolation(RuleIds.InvalidBatchedFunction, "[Batched] functions cannot be generators: each input of a batch gets exactly one item of the returned list. Return a list instead of an IAsyncEnumerable.", "Batched");
            }

            if (isConcurrent)
            {
                return new RuleViolation(RuleIds.InvalidBatchedFunction, "[Batched] cannot be combined with [Concurrent]: a batch already runs many inputs in one call. Keep one of them.", "Concurrent");
            }

            if (parametersWithDefaults.Count > 0)
            {
                return new RuleViolation(RuleIds.InvalidBatchedFunction, $"[Batched] function parameters cannot have default values ('{string.Join("', '", parametersWithDefaults)}'): every input must supply every list. Remove the defaults.", "Parameter:" + parametersWithDefaults[0]);
            }

            return null;
        }

        public static RuleViolation? Period(double seconds)
        {
            return seconds > 0
                ? null
                : new RuleViolation(RuleIds.InvalidSchedule, $"[Period] adds up to {Format(seconds)} s; a period must be longer than 0. Set Days, Hours, Minutes or Seconds.", "Period");
        }

        /// <summary>A five-field cron expression, parsed by Cronos, the library the scheduler runs it with.</summary>
        public static RuleViolation? Cron(string? expression)
        {
            if (expression is null || expression.Trim().Length == 0)
            {
                return new RuleViolation(RuleIds.InvalidSchedule, "[Cron] expression is empty; write five fields: minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1-5\".", "Cron.Expression");
            }

            var fields = expression.Trim().Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 5 && !expression.Trim().StartsWith("@", StringComparison.Ordinal))
            {
                return new RuleViolation(RuleIds.InvalidSchedule, $"[Cron] expression \"{expression}\" has {fields.Length} fields; write five: minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1-5\".", "Cron.Expression");
            }

            try
            {
                CronExpression.Parse(expression, CronFormat.Standard);
                return null;
            }
            catch (CronFormatException ex)
            {
                // Cronos says "<general sentence> <Field>: <detail>"; keep the field and the detail.
                var detail = ex.Message;
                var colon = detail.LastIndexOf(": ", StringComparison.Ordinal);
                var field = CronField(colon < 0 ? detail : detail.Substring(0, colon));
                detail = colon < 0 ? detail : detail.Substring(colon + 2);
                var where = field is null ? "" : $" in its {field} field";
                return new RuleViolation(RuleIds.InvalidSchedule, $"[Cron] expression \"{expression}\" is invalid{where}: {detail.TrimEnd('.', ' ')}. The five fields are minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1-5\".", "Cron.Expression");
            }
        }

        /// <summary>
        /// An IANA time zone name such as <c>America/New_York</c>. A process that cannot resolve IANA names at all (an old
        /// .NET Framework compiler host on Windows) cannot judge one, so the check is left to the runtime there.
        /// </summary>
        public static RuleViolation? TimeZone(string? timeZone)
        {
            if (timeZone is null || FindTimeZone(timeZone) || !ResolvesIanaNames())
            {
                return null;
            }

            return new RuleViolation(RuleIds.InvalidSchedule, $"[Cron] TimeZone \"{timeZone}\" is not a known time zone; use an IANA name such as \"UTC\", \"Europe/Berlin\" or \"America/New_York\".", "Cron.TimeZone");
        }

        /// <summary>A schedule calls the function with no arguments, so it cannot take any.</summary>
        public static RuleViolation? ScheduledParameters(string scheduleKind, int parameterCount)
        {
            return parameterCount == 0
                ? null
                : new RuleViolation(RuleIds.ScheduledFunctionHasParameters, $"A function with a [{(scheduleKind == "cron" ? "Cron" : "Period")}] schedule is called with no arguments, but this one takes {parameterCount} parameter{(parameterCount == 1 ? "" : "s")}. Remove the parameters (a CancellationToken is fine), or call the function from a scheduled one that supplies them.", scheduleKind == "cron" ? "Cron" : "Period");
        }

        /// <summary>[Concurrent] on a method of a [Cls] class: every method shares the class's containers.</summary>
        public static RuleViolation ConcurrentOnClassMethod(string className, string methodName) =>
            new RuleViolation(RuleIds.ConcurrentOnClassMethod, $"[Concurrent] is on method '{methodName}' of [Cls] class '{className}', but all methods of a class share its containers, so concurrency is a setting of the class. Move [Concurrent] to the class.", "Concurrent");

        /// <summary>A [Batched] method of a [Cls] class owns its containers: inputs of other methods cannot join its batches.</summary>
        public static RuleViolation BatchedClassHasOtherMethods(string className, string batchedMethod, IReadOnlyList<string> otherMethods) =>
            new RuleViolation(RuleIds.BatchedClassHasOtherMethods, $"[Cls] class '{className}' has the [Batched] method '{batchedMethod}' and other methods ('{string.Join("', '", otherMethods)}'); a class with a batched method can have no other method. Move the other methods to another class.", "Batched");

        public static RuleViolation? FunctionName(string name)
        {
            return NamePattern.IsMatch(name)
                ? null
                : new RuleViolation(RuleIds.InvalidFunctionName, $"Function name '{name}' is not allowed; names are 1 to 64 characters of letters, digits, '-', '_' and '.'.", "Function.Name");
        }

        public static RuleViolation? Cluster(int size, bool rdma, bool hasGpu)
        {
            if (size <= 0)
            {
                return new RuleViolation(RuleIds.InvalidCluster, $"[Clustered] Size is {size}; a cluster needs at least 1 container.", "Clustered.Size");
            }

            if (rdma && !hasGpu)
            {
                return new RuleViolation(RuleIds.InvalidCluster, "[Clustered] Rdma = true needs a GPU; set Gpu on the function or remove Rdma.", "Clustered.Rdma");
            }

            return null;
        }

        /// <summary>Checks every mount path, and that no volume is mounted twice. Mounts are (path, volume name) pairs.</summary>
        public static RuleViolation? Volumes(IReadOnlyList<KeyValuePair<string, string>> mounts)
        {
            var paths = new HashSet<string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < mounts.Count; i++)
            {
                var path = mounts[i].Key;
                var setting = "Volume[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                if (!path.StartsWith("/", StringComparison.Ordinal))
                {
                    return new RuleViolation(RuleIds.InvalidVolume, $"Volume mount path '{path}' is not absolute; mount volumes at an absolute path such as '/data'.", setting + ".MountPath");
                }

                var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
                if (trimmed.Length == 0 || trimmed == "/" || trimmed == "/root" || trimmed == "/tmp")
                {
                    return new RuleViolation(RuleIds.InvalidVolume, $"Volume mount path '{path}' is reserved ('/', '/root' and '/tmp' hold the container's own files); choose another absolute path such as '/data'.", setting + ".MountPath");
                }

                if (!paths.Add(trimmed))
                {
                    return new RuleViolation(RuleIds.InvalidVolume, $"Two volumes are mounted at '{trimmed}'; each mount path can hold one volume.", setting + ".MountPath");
                }

                if (!names.Add(mounts[i].Value))
                {
                    return new RuleViolation(RuleIds.InvalidVolume, $"Volume '{mounts[i].Value}' is mounted twice; mount each volume once.", setting + ".Name");
                }
            }

            return null;
        }

        private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        // Cronos names the field in its own words ("Minutes", "Days of month", ...); map them to the names the docs use.
        private static string? CronField(string text)
        {
            var lower = text.ToLowerInvariant();
            if (lower.EndsWith("days of month", StringComparison.Ordinal))
            {
                return "day-of-month";
            }

            if (lower.EndsWith("days of week", StringComparison.Ordinal))
            {
                return "day-of-week";
            }

            if (lower.EndsWith("months", StringComparison.Ordinal))
            {
                return "month";
            }

            if (lower.EndsWith("hours", StringComparison.Ordinal))
            {
                return "hour";
            }

            return lower.EndsWith("minutes", StringComparison.Ordinal) ? "minute" : null;
        }

        private static bool FindTimeZone(string id)
        {
            try
            {
                TimeZoneInfo.FindSystemTimeZoneById(id);
                return true;
            }
            catch (TimeZoneNotFoundException)
            {
                return false;
            }
            catch (InvalidTimeZoneException)
            {
                return false;
            }
        }

        private static bool ResolvesIanaNames() => _resolvesIanaNames ??= FindTimeZone("America/New_York");
    }
}
