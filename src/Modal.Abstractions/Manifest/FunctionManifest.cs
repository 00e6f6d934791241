namespace Modal.Manifest;

/// <summary>One function of the app, with every setting its attributes state.</summary>
public sealed record FunctionManifest
{
    /// <summary>The function's name (method name unless overridden); unique within the app.</summary>
    public required string Name { get; init; }

    /// <summary>The key the generated registry dispatches on.</summary>
    public required string EntryKey { get; init; }

    /// <summary><c>function</c>, or <c>method</c> for a method of a [Cls] class.</summary>
    public string Kind { get; init; } = "function";

    public bool IsAsync { get; init; }

    /// <summary>True for IAsyncEnumerable/IEnumerable-yielding functions.</summary>
    public bool IsGenerator { get; init; }

    public IReadOnlyList<ParameterManifest> Parameters { get; init; } = [];

    public string ReturnType { get; init; } = "void";

    public ResourcesManifest? Resources { get; init; }

    public int? TimeoutSeconds { get; init; }

    public int? StartupTimeoutSeconds { get; init; }

    public RetriesManifest? Retries { get; init; }

    public AutoscalerManifest? Autoscaler { get; init; }

    /// <summary>Inputs a container serves before it is replaced (1: single-use).</summary>
    public int? MaxInputs { get; init; }

    public ConcurrencyManifest? Concurrency { get; init; }

    public BatchingManifest? Batching { get; init; }

    public ClusterManifest? Cluster { get; init; }

    public ScheduleManifest? Schedule { get; init; }

    public WebManifest? Web { get; init; }

    public ImageManifest? Image { get; init; }

    public IReadOnlyList<string>? Secrets { get; init; }

    public IReadOnlyList<VolumeManifest>? Volumes { get; init; }

    public string? Region { get; init; }

    public string? Cloud { get; init; }

    public bool? RestrictModalAccess { get; init; }

    public bool? BlockNetwork { get; init; }
}

public sealed record ResourcesManifest
{
    public double? Cpu { get; init; }

    public double? CpuLimit { get; init; }

    public int? MemoryMiB { get; init; }

    public int? MemoryLimitMiB { get; init; }

    public int? EphemeralDiskMiB { get; init; }

    /// <summary>The GPU request as written, e.g. <c>H100:2</c> or <c>H100, A100-80GB</c>.</summary>
    public string? Gpu { get; init; }
}

public sealed record RetriesManifest
{
    public int MaxRetries { get; init; }

    public double BackoffCoefficient { get; init; } = 1.0;

    public double InitialDelaySeconds { get; init; } = 1.0;

    public double MaxDelaySeconds { get; init; } = 1.0;
}

public sealed record AutoscalerManifest
{
    public int? MinContainers { get; init; }

    public int? MaxContainers { get; init; }

    public int? BufferContainers { get; init; }

    public int? ScaledownWindowSeconds { get; init; }
}

public sealed record ConcurrencyManifest
{
    public int MaxInputs { get; init; }

    public int? TargetInputs { get; init; }
}

public sealed record BatchingManifest
{
    public int MaxBatchSize { get; init; }

    public int WaitMs { get; init; }
}

public sealed record ClusterManifest
{
    public int Size { get; init; }

    public bool Rdma { get; init; }
}

public sealed record ScheduleManifest
{
    /// <summary><c>period</c> or <c>cron</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>For a period: its length in seconds.</summary>
    public double? PeriodSeconds { get; init; }

    /// <summary>For a cron schedule: the five-field expression.</summary>
    public string? Cron { get; init; }

    public string? TimeZone { get; init; }
}

public sealed record WebManifest
{
    /// <summary><c>endpoint</c>, <c>app</c> or <c>server</c>.</summary>
    public required string Kind { get; init; }

    public string? Method { get; init; }

    public bool? Docs { get; init; }

    public string? Label { get; init; }

    public bool? RequiresProxyAuth { get; init; }

    public int? Port { get; init; }

    public double? StartupTimeoutSeconds { get; init; }
}

public sealed record ImageManifest
{
    public IReadOnlyList<ImageStepManifest> Steps { get; init; } = [];
}

public sealed record ImageStepManifest
{
    public required string Kind { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public bool? ForceBuild { get; init; }
}

public sealed record VolumeManifest
{
    public required string MountPath { get; init; }

    public required string Name { get; init; }
}
