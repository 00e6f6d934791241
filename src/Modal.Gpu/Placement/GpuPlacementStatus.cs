namespace Modal.Gpus.Placement;

/// <summary>The allocator's answer to a GPU request.</summary>
public enum GpuPlacementStatus
{
    /// <summary>Devices were assigned to the container.</summary>
    Allocated,

    /// <summary>The node could serve the request, but not now: other containers hold the devices.</summary>
    Wait,

    /// <summary>No device of this node could ever serve the request.</summary>
    Unsatisfiable,
}
