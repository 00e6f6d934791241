namespace Modal.Auth;

/// <summary>One forwarded write of a container to stdout (fd 1) or stderr (fd 2), as <c>platform.db</c> keeps it.</summary>
internal sealed record StoredLogEntry(
    long Id,
    string Workspace,
    string Environment,
    string AppName,
    string AppId,
    string FunctionName,
    string TaskId,
    string InputId,
    int Fd,
    string Data,
    long AtMs);
