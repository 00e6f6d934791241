namespace Modal.Backends;

/// <summary>A container task that ended, whatever the reason.</summary>
/// <param name="TaskId">The task that ended.</param>
/// <param name="ExitCode">The process exit code, when the backend knows it.</param>
/// <param name="Reason">Why it ended, for messages and logs (e.g. "exited with code 1", "failed to start: …").</param>
public sealed record ContainerExit(string TaskId, int? ExitCode, string Reason);
