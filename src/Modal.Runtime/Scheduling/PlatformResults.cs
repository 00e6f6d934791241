using Modal.Protocol;

namespace Modal.Scheduling;

/// <summary>
/// Final results the control plane writes itself, when no container answered: the input was cancelled, its container
/// died, it ran past its timeout, its containers could not start, or its app stopped. The error type names the
/// platform error the client raises for it.
/// </summary>
internal static class PlatformResults
{
    public static FunctionResult Cancelled(string message) => Make(ResultStatus.Cancelled, "Modal.InputCancellation", message);

    public static FunctionResult Terminated(string message) => Make(ResultStatus.Terminated, "Modal.ContainerTerminated", message);

    public static FunctionResult Timeout(string message) => Make(ResultStatus.Timeout, "Modal.FunctionTimeoutError", message);

    public static FunctionResult InitFailure(string message) => Make(ResultStatus.InitFailure, "Modal.ContainerInitFailure", message);

    private static FunctionResult Make(ResultStatus status, string type, string message) => new()
    {
        Status = status,
        Error = new RemoteError { Type = type, Message = message },
    };
}
