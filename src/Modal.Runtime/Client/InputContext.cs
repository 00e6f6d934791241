namespace Modal;

/// <summary>
/// The input a function runs for, inside its container: Modal's <c>current_input_id()</c> and
/// <c>current_function_call_id()</c>. It flows with the code of that input (threads and tasks alike), so concurrent inputs
/// each see their own.
/// </summary>
/// <remarks>
/// .NET cannot throw into a running thread, so cancellation is cooperative. An async function (or any function taking a
/// <see cref="System.Threading.CancellationToken"/>) sees <see cref="OperationCanceledException"/> through its token. A
/// synchronous function calls <see cref="ThrowIfCancellationRequested"/> where it can stop, which raises
/// <see cref="InputCancellation"/>. Code that does not stop within a short grace period has its container replaced, and the
/// caller still receives <see cref="InputCancellation"/>; with input concurrency, a synchronous function's container is
/// terminated at once and its other inputs are rescheduled.
/// </remarks>
public sealed class InputContext
{
    private static readonly AsyncLocal<InputContext?> CurrentContext = new();

    private readonly Func<bool> _cancelledByCaller;

    internal InputContext(
        string inputId,
        string functionCallId,
        int retryCount,
        IReadOnlyList<string> inputIds,
        CancellationToken cancellationToken,
        Func<bool> cancelledByCaller)
    {
        InputId = inputId;
        FunctionCallId = functionCallId;
        RetryCount = retryCount;
        InputIds = inputIds;
        CancellationToken = cancellationToken;
        _cancelledByCaller = cancelledByCaller;
    }

    /// <summary>The input running on this thread or task; null outside a function's input (and outside a container).</summary>
    public static InputContext? Current
    {
        get => CurrentContext.Value;
        internal set => CurrentContext.Value = value;
    }

    /// <summary>The current input's id (<c>in-…</c>), or null outside an input.</summary>
    public static string? CurrentInputId => Current?.InputId;

    /// <summary>The current input's function call id (<c>fc-…</c>), or null outside an input.</summary>
    public static string? CurrentFunctionCallId => Current?.FunctionCallId;

    /// <summary>The input's id; for a [Batched] call, the first input of the batch.</summary>
    public string InputId { get; }

    public string FunctionCallId { get; }

    /// <summary>0 on the first attempt, n on the n-th retry.</summary>
    public int RetryCount { get; }

    /// <summary>Every input the current call runs: one, or the members of a [Batched] batch.</summary>
    public IReadOnlyList<string> InputIds { get; }

    /// <summary>Cancelled when the caller cancels the input or it reaches its timeout.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Stops the current input if it was cancelled: raises <see cref="InputCancellation"/> when its caller cancelled it, and
    /// <see cref="OperationCanceledException"/> when it ran past its timeout (the caller then gets FunctionTimeoutError).
    /// Does nothing outside an input. Synchronous functions call this where they can stop safely.
    /// </summary>
    public static void ThrowIfCancellationRequested()
    {
        if (Current is not { } current || !current.CancellationToken.IsCancellationRequested)
        {
            return;
        }

        if (current._cancelledByCaller())
        {
            throw new InputCancellation($"Input {current.InputId} was cancelled by its caller.");
        }

        current.CancellationToken.ThrowIfCancellationRequested();
    }
}
