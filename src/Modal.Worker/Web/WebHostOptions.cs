namespace Modal.Worker.Web;

/// <summary>What a web host needs from the worker around it.</summary>
/// <param name="LogError">Platform diagnostics (the worker's log).</param>
/// <param name="EndScope">
/// Flushes what user code wrote to stdout/stderr under a request's log scope (the worker's prefixed console writers);
/// null where the console is not redirected, as in tests.
/// </param>
/// <param name="UnixSocketPath">
/// Where the worker's own server also serves web frames on a Unix domain socket, which the gateway prefers to loopback
/// TCP when it shares the container's file system; null: TCP only.
/// </param>
internal sealed record WebHostOptions(Action<string> LogError, Action<InputLogScope>? EndScope = null, string? UnixSocketPath = null);
