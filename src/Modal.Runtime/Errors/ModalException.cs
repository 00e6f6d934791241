namespace Modal;

/// <summary>Base of every error the platform raises. The message says what happened and what to do next.</summary>
public class ModalException : Exception
{
    public ModalException(string message)
        : base(message)
    {
    }

    public ModalException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A request was invalid: a bad argument, a bad setting, or a setting the chosen backend does not honour.</summary>
public sealed class InvalidError(string message, Exception? innerException = null) : ModalException(message, innerException);

/// <summary>An app, function or call id does not exist.</summary>
public sealed class NotFoundError(string message, Exception? innerException = null) : ModalException(message, innerException);

/// <summary>The caller's token is missing or wrong, or the caller may not make this call.</summary>
public sealed class AuthError(string message, Exception? innerException = null) : ModalException(message, innerException);

/// <summary>An input ran past its function's timeout.</summary>
public sealed class FunctionTimeoutError(string message, Exception? innerException = null) : ModalException(message, innerException);

/// <summary>The results of a spawned call were removed after the retention period (7 days).</summary>
public sealed class OutputExpiredError(string message, Exception? innerException = null) : ModalException(message, innerException);

/// <summary>A queue limit was reached; retry later.</summary>
public sealed class ResourceExhaustedError(string message, Exception? innerException = null) : ModalException(message, innerException);

/// <summary>
/// An input was cancelled: raised inside a synchronous function by <see cref="InputContext.ThrowIfCancellationRequested"/>,
/// and to the caller of a call that was cancelled before it finished.
/// </summary>
public sealed class InputCancellation(string message) : ModalException(message);

/// <summary>
/// An exception thrown by a function's own code, carried back from the container: the original type name, message and
/// remote stack trace.
/// </summary>
public sealed class RemoteException : ModalException
{
    public RemoteException(string remoteType, string remoteMessage, string remoteStackTrace, string? functionName = null, string? inputId = null)
        : this(remoteType, remoteMessage, remoteStackTrace, functionName, inputId, remoteInner: null)
    {
    }

    public RemoteException(string remoteType, string remoteMessage, string remoteStackTrace, string? functionName, string? inputId, string? remoteInner)
        : base(Format(remoteType, remoteMessage, functionName, inputId))
    {
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
        FunctionName = functionName;
        InputId = inputId;
        RemoteInner = string.IsNullOrEmpty(remoteInner) ? null : remoteInner;
    }

    /// <summary>Full name of the exception type raised in the function, e.g. <c>System.InvalidOperationException</c>.</summary>
    public string RemoteType { get; }

    /// <summary>The original exception's message.</summary>
    public string RemoteMessage { get; }

    /// <summary>The stack trace inside the container.</summary>
    public string RemoteStackTrace { get; }

    public string? FunctionName { get; }

    public string? InputId { get; }

    /// <summary>ToString() of the remote exception's inner exceptions, when it had any.</summary>
    public string? RemoteInner { get; }

    /// <summary>Which attempt raised it: 0 for the first run, n after n retries.</summary>
    public int RetryCount { get; init; }

    public override string? StackTrace =>
        $"--- remote stack trace ({RemoteType}) ---{Environment.NewLine}{RemoteStackTrace}{Environment.NewLine}" +
        (RemoteInner is null ? "" : $"--- remote inner exception ---{Environment.NewLine}{RemoteInner}{Environment.NewLine}") +
        $"--- local stack trace ---{Environment.NewLine}{base.StackTrace}";

    private static string Format(string type, string message, string? function, string? inputId) =>
        function is null
            ? $"{type}: {message}"
            : $"{type}: {message} (raised in function '{function}'{(inputId is null ? "" : $", input {inputId}")})";
}
