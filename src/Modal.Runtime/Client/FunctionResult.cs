namespace Modal;

/// <summary>One output of a map with exceptions returned as values: either a value or the failure.</summary>
public readonly struct FunctionResult<T>
{
    private readonly T _value;

    public FunctionResult(T value)
    {
        _value = value;
        Exception = null;
    }

    public FunctionResult(ModalException exception)
    {
        _value = default!;
        Exception = exception ?? throw new ArgumentNullException(nameof(exception));
    }

    public bool IsSuccess => Exception is null;

    /// <summary>Which attempt produced this output: 0 for the first run, n after n retries.</summary>
    public int RetryCount { get; init; }

    /// <summary>The failure (usually a <see cref="RemoteException"/>), or null on success.</summary>
    public ModalException? Exception { get; }

    /// <summary>The value; throws the failure when the input failed.</summary>
    public T Value => Exception is null ? _value : throw Exception;

    public override string ToString() => Exception is null ? _value?.ToString() ?? "" : Exception.ToString();
}
