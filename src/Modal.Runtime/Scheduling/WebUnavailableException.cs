namespace Modal.Scheduling;

/// <summary>
/// A web function cannot take a queued request: its app stopped, or its containers fail to start. When
/// <see cref="RetryElsewhere"/> is set (the app was stopped, e.g. retired by a redeploy) the gateway routes the request
/// again, to whatever version now serves the URL.
/// </summary>
internal sealed class WebUnavailableException(string message, bool retryElsewhere) : Exception(message)
{
    public bool RetryElsewhere { get; } = retryElsewhere;
}
