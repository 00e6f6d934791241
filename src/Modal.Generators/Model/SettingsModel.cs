using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>
/// Every setting a function's attributes state. Null means "not written", so the manifest leaves it out and the
/// platform's default applies.
/// </summary>
internal sealed record SettingsModel
{
    public string? Gpu { get; init; }

    public double? Cpu { get; init; }

    public double? CpuLimit { get; init; }

    public int? MemoryMiB { get; init; }

    public int? MemoryLimitMiB { get; init; }

    public int? EphemeralDiskMiB { get; init; }

    public int? TimeoutSeconds { get; init; }

    public int? StartupTimeoutSeconds { get; init; }

    public RetriesModel? Retries { get; init; }

    public int? MinContainers { get; init; }

    public int? MaxContainers { get; init; }

    public int? BufferContainers { get; init; }

    public int? ScaledownWindowSeconds { get; init; }

    public int? MaxInputs { get; init; }

    public ConcurrencyModel? Concurrency { get; init; }

    public BatchingModel? Batching { get; init; }

    public ClusterModel? Cluster { get; init; }

    public ScheduleModel? Schedule { get; init; }

    public WebModel? Web { get; init; }

    public ImageModel? Image { get; init; }

    public EquatableArray<string>? Secrets { get; init; }

    public EquatableArray<VolumeModel>? Volumes { get; init; }

    public string? Region { get; init; }

    public string? Cloud { get; init; }

    public bool? RestrictModalAccess { get; init; }

    public bool? BlockNetwork { get; init; }

    public bool HasResources =>
        Gpu is not null || Cpu is not null || CpuLimit is not null || MemoryMiB is not null || MemoryLimitMiB is not null ||
        EphemeralDiskMiB is not null;

    public bool HasAutoscaler =>
        MinContainers is not null || MaxContainers is not null || BufferContainers is not null || ScaledownWindowSeconds is not null;
}
