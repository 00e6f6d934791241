using Modal.Scheduling;

namespace Modal.Backends;

/// <summary>A container held back because the GPUs its function asks for are all taken.</summary>
/// <param name="Container">The container, not started yet; its inputs stay pending.</param>
/// <param name="Reason">Why it waits, for logs and status, e.g. <c>waiting for 1 free H100 (or H200); H100: 0 of 2 free</c>.</param>
internal sealed record GpuWait(ContainerTask Container, string Reason);
