using System.Globalization;
using Modal.Gpus.Inventory;
using Modal.Rules;

namespace Modal.Gpus.Placement;

/// <summary>The GPUs assigned to one container, and how to hand them to it.</summary>
public sealed class GpuAllocation
{
    internal GpuAllocation(string containerId, GpuRequest request, string type, IReadOnlyList<GpuDevice> devices)
    {
        ContainerId = containerId;
        Request = request;
        Type = type;
        Devices = devices;

        var ids = string.Join(",", devices.Select(d => d.DeviceId));
        var common = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GpuEnvironmentVariables.Type] = type,
            [GpuEnvironmentVariables.Count] = devices.Count.ToString(CultureInfo.InvariantCulture),
            [GpuEnvironmentVariables.Request] = request.ToString(),
            [GpuEnvironmentVariables.Devices] = ids,
        };

        Environment = new Dictionary<string, string>(common, StringComparer.Ordinal)
        {
            [GpuEnvironmentVariables.CudaVisibleDevices] = ids,
            [GpuEnvironmentVariables.NvidiaVisibleDevices] = ids,
        };

        // Inside a Docker container the runtime renumbers the mounted devices from 0, so node indices would point at the
        // wrong devices there; UUIDs stay valid everywhere.
        var allHaveUuids = devices.All(d => d.Uuid is not null);
        var inContainer = allHaveUuids
            ? ids
            : string.Join(",", Enumerable.Range(0, devices.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        DockerEnvironment = new Dictionary<string, string>(common, StringComparer.Ordinal)
        {
            [GpuEnvironmentVariables.CudaVisibleDevices] = inContainer,
            [GpuEnvironmentVariables.NvidiaVisibleDevices] = ids,
        };
        DockerDeviceIds = devices.Select(d => d.DeviceId).ToArray();
    }

    public string ContainerId { get; }

    /// <summary>The entry of the fallback list that was served.</summary>
    public GpuRequest Request { get; }

    /// <summary>The type of the assigned devices; an H100 request may be served by H200s.</summary>
    public string Type { get; }

    /// <summary>The assigned devices, by index.</summary>
    public IReadOnlyList<GpuDevice> Devices { get; }

    /// <summary>Environment for a worker started as a local process.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Environment for a worker started in a Docker container with <see cref="DockerDeviceIds"/>.</summary>
    public IReadOnlyDictionary<string, string> DockerEnvironment { get; }

    /// <summary>The <c>DeviceIDs</c> of a Docker <c>DeviceRequest</c> (driver <c>nvidia</c>, capabilities <c>gpu</c>).</summary>
    public IReadOnlyList<string> DockerDeviceIds { get; }

    public override string ToString() =>
        $"{Devices.Count} x {Type} for {ContainerId} (devices {string.Join(",", Devices.Select(d => d.DeviceId))})";
}
