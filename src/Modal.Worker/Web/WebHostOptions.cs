namespace Modal.Worker.Web;

/// <summary>What a web host needs from the worker around it.</summary>
/// <param name="LogError">Platform diagnostics (the worker's log).</param>
/// <param name="EndScope">
/// Flushes what user code wrote to stdout/stderr under a request's log scope (the worker's prefixed console writers);
/// null where the console is not redirected, as in tests.
/// </param>
internal sealed record WebHostOptions(Action<string> LogError, Action<InputLogScope>? EndScope = null);
