using System.Globalization;
using Modal.Manifest;
using Modal.Rules;

namespace Modal.Scheduling;

/// <summary>
/// The control plane's own check of function settings against the reference's limits, so a manifest written by hand
/// or by an older build cannot put the scheduler in an impossible state. Every problem is listed in one message.
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

            Check(function, problems);
        }

        if (problems.Count > 0)
        {
            throw new InvalidError($"The app's manifest is invalid: {string.Join("; ", problems)}. Fix the settings and rebuild the app.");
        }
    }

    private static void Check(FunctionManifest f, List<string> problems)
    {
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add($"function '{f.Name}' {problem}");
            }
        }

        if (string.IsNullOrWhiteSpace(f.EntryKey))
        {
            problems.Add($"function '{f.Name}' has no entry key");
        }

        if (f.TimeoutSeconds is { } timeout)
        {
            Require(timeout is >= ModalLimits.MinTimeoutSeconds and <= ModalLimits.MaxTimeoutSeconds,
                $"sets timeout={timeout}s; it must be between {ModalLimits.MinTimeoutSeconds} and {ModalLimits.MaxTimeoutSeconds} seconds (24 hours)");
        }

        if (f.StartupTimeoutSeconds is { } startup)
        {
            Require(startup is >= ModalLimits.MinTimeoutSeconds and <= ModalLimits.MaxTimeoutSeconds,
                $"sets startupTimeout={startup}s; it must be between {ModalLimits.MinTimeoutSeconds} and {ModalLimits.MaxTimeoutSeconds} seconds");
        }

        if (f.Retries is { } r)
        {
            Require(r.MaxRetries is >= 0 and <= ModalLimits.MaxRetries, $"sets maxRetries={r.MaxRetries}; it must be between 0 and {ModalLimits.MaxRetries}");
            Require(r.BackoffCoefficient is >= ModalLimits.MinBackoffCoefficient and <= ModalLimits.MaxBackoffCoefficient,
                $"sets backoffCoefficient={D(r.BackoffCoefficient)}; it must be between {D(ModalLimits.MinBackoffCoefficient)} and {D(ModalLimits.MaxBackoffCoefficient)}");
            Require(r.InitialDelaySeconds is >= ModalLimits.MinInitialDelaySeconds and <= ModalLimits.MaxInitialDelaySeconds,
                $"sets initialDelay={D(r.InitialDelaySeconds)}s; it must be between {D(ModalLimits.MinInitialDelaySeconds)} and {D(ModalLimits.MaxInitialDelaySeconds)} seconds");
            Require(r.MaxDelaySeconds is >= ModalLimits.MinMaxDelaySeconds and <= ModalLimits.MaxMaxDelaySeconds,
                $"sets maxDelay={D(r.MaxDelaySeconds)}s; it must be between {D(ModalLimits.MinMaxDelaySeconds)} and {D(ModalLimits.MaxMaxDelaySeconds)} seconds");
        }

        if (f.Autoscaler is { } a)
        {
            Require(a.MinContainers is null or >= 0, $"sets minContainers={a.MinContainers}; it cannot be negative");
            Require(a.MaxContainers is null or >= 1, $"sets maxContainers={a.MaxContainers}; it must be at least 1");
            Require(a.BufferContainers is null or >= 0, $"sets bufferContainers={a.BufferContainers}; it cannot be negative");
            Require(a.ScaledownWindowSeconds is null or >= 1, $"sets scaledownWindow={a.ScaledownWindowSeconds}s; it must be at least 1 second");
            if (a is { MinContainers: { } min, MaxContainers: { } max })
            {
                Require(min <= max, $"sets minContainers={min} above maxContainers={max}");
            }
        }

        if (f.Concurrency is { } c)
        {
            Require(c.MaxInputs >= 1, $"sets concurrency maxInputs={c.MaxInputs}; it must be at least 1");
            if (c.TargetInputs is { } target)
            {
                Require(target >= 1 && target <= c.MaxInputs, $"sets concurrency targetInputs={target}; it must be between 1 and maxInputs ({c.MaxInputs})");
            }
        }

        if (f.MaxInputs is { } maxInputs)
        {
            Require(maxInputs >= 1, $"sets maxInputs={maxInputs}; it must be at least 1 (1 makes containers single-use)");
        }
    }

    private static string D(double value) => value.ToString(CultureInfo.InvariantCulture);
}
