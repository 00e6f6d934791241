namespace Modal;

/// <summary>A GPU this container was given, as CUDA sees it.</summary>
/// <param name="Ordinal">The CUDA ordinal inside this process (0 for the first assigned device).</param>
/// <param name="Name">The driver's name, e.g. <c>NVIDIA H100 80GB HBM3</c>.</param>
/// <param name="Type">The platform type (<c>H100</c>, <c>A100-80GB</c>, …), or null for a name the platform does not know.</param>
/// <param name="MemoryBytes">Total device memory.</param>
/// <param name="Id">The node's id for the device (UUID or index) from the assignment, when the platform set one.</param>
public sealed record AssignedGpu(int Ordinal, string Name, string? Type, long MemoryBytes, string? Id);
