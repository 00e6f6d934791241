namespace Modal.Dispatch;

// The argument containers of generated handles and invokers, one per arity like Func and Action: a call's arguments in
// parameter order, which go over the wire as a MessagePack array (ModalArgsFormatter). Functions with more parameters get
// a generated record of the same layout.

/// <summary>The arguments of a function without parameters: an empty array on the wire.</summary>
public sealed class ModalArgs
{
    private ModalArgs()
    {
    }

    /// <summary>The one instance; a call without arguments carries nothing else.</summary>
    public static ModalArgs Empty { get; } = new();
}

/// <summary>The arguments of a function with 1 parameter, in parameter order.</summary>
public sealed class ModalArgs<T1>(T1 item1)
{
    public T1 Item1 { get; } = item1;
}

/// <summary>The arguments of a function with 2 parameters, in parameter order.</summary>
public sealed class ModalArgs<T1, T2>(T1 item1, T2 item2)
{
    public T1 Item1 { get; } = item1;

    public T2 Item2 { get; } = item2;
}

/// <summary>The arguments of a function with 3 parameters, in parameter order.</summary>
public sealed class ModalArgs<T1, T2, T3>(T1 item1, T2 item2, T3 item3)
{
    public T1 Item1 { get; } = item1;

    public T2 Item2 { get; } = item2;

    public T3 Item3 { get; } = item3;
}

/// <summary>The arguments of a function with 4 parameters, in parameter order.</summary>
public sealed class ModalArgs<T1, T2, T3, T4>(T1 item1, T2 item2, T3 item3, T4 item4)
{
    public T1 Item1 { get; } = item1;

    public T2 Item2 { get; } = item2;

    public T3 Item3 { get; } = item3;

    public T4 Item4 { get; } = item4;
}
