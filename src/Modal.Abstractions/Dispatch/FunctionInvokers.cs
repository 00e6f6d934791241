using MessagePack;

namespace Modal.Dispatch;

/// <summary>
/// Invokers for the common shapes of user methods, built from a method group: the generated registry passes the user
/// method itself (<c>Sync&lt;int, int&gt;("key", App.Square)</c>), which compiles to a cached delegate and no code of its
/// own. One factory per result shape and arity (up to <see cref="MaxArity"/> parameters, plus a trailing
/// CancellationToken for async shapes); other shapes get a generated lambda over <see cref="UnaryInvoker{TArgs}"/>,
/// <see cref="StreamInvoker{TArgs}"/> or <see cref="BatchInvoker{TArgs}"/>.
/// </summary>
public static class FunctionInvokers
{
    /// <summary>The most parameters (besides a CancellationToken) the factories and <see cref="ModalArgs{T1, T2, T3, T4}"/> take.</summary>
    public const int MaxArity = 4;

    /// <summary>The invoker of a method with 0 parameters that returns a value.</summary>
    public static FunctionInvoker Sync<TResult>(string entryKey, Func<TResult> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: false, (_, c) => new ValueTask<byte[]>(FunctionInvoker.Serialize(method(), c)));
    }

    /// <summary>The invoker of a method with 1 parameter that returns a value.</summary>
    public static FunctionInvoker Sync<T1, TResult>(string entryKey, Func<T1, TResult> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: false, (a, c) => new ValueTask<byte[]>(FunctionInvoker.Serialize(method(a.Item1), c)));
    }

    /// <summary>The invoker of a method with 2 parameters that returns a value.</summary>
    public static FunctionInvoker Sync<T1, T2, TResult>(string entryKey, Func<T1, T2, TResult> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: false, (a, c) => new ValueTask<byte[]>(FunctionInvoker.Serialize(method(a.Item1, a.Item2), c)));
    }

    /// <summary>The invoker of a method with 3 parameters that returns a value.</summary>
    public static FunctionInvoker Sync<T1, T2, T3, TResult>(string entryKey, Func<T1, T2, T3, TResult> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: false, (a, c) => new ValueTask<byte[]>(FunctionInvoker.Serialize(method(a.Item1, a.Item2, a.Item3), c)));
    }

    /// <summary>The invoker of a method with 4 parameters that returns a value.</summary>
    public static FunctionInvoker Sync<T1, T2, T3, T4, TResult>(string entryKey, Func<T1, T2, T3, T4, TResult> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: false, (a, c) => new ValueTask<byte[]>(FunctionInvoker.Serialize(method(a.Item1, a.Item2, a.Item3, a.Item4), c)));
    }

    /// <summary>The invoker of a method with 0 parameters that returns nothing.</summary>
    public static FunctionInvoker SyncVoid(string entryKey, Action method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: false, (_, c) =>
        {
            method();
            return new ValueTask<byte[]>(FunctionInvoker.Serialize(Nil.Default, c));
        });
    }

    /// <summary>The invoker of a method with 1 parameter that returns nothing.</summary>
    public static FunctionInvoker SyncVoid<T1>(string entryKey, Action<T1> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: false, (a, c) =>
        {
            method(a.Item1);
            return new ValueTask<byte[]>(FunctionInvoker.Serialize(Nil.Default, c));
        });
    }

    /// <summary>The invoker of a method with 2 parameters that returns nothing.</summary>
    public static FunctionInvoker SyncVoid<T1, T2>(string entryKey, Action<T1, T2> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: false, (a, c) =>
        {
            method(a.Item1, a.Item2);
            return new ValueTask<byte[]>(FunctionInvoker.Serialize(Nil.Default, c));
        });
    }

    /// <summary>The invoker of a method with 3 parameters that returns nothing.</summary>
    public static FunctionInvoker SyncVoid<T1, T2, T3>(string entryKey, Action<T1, T2, T3> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: false, (a, c) =>
        {
            method(a.Item1, a.Item2, a.Item3);
            return new ValueTask<byte[]>(FunctionInvoker.Serialize(Nil.Default, c));
        });
    }

    /// <summary>The invoker of a method with 4 parameters that returns nothing.</summary>
    public static FunctionInvoker SyncVoid<T1, T2, T3, T4>(string entryKey, Action<T1, T2, T3, T4> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: false, (a, c) =>
        {
            method(a.Item1, a.Item2, a.Item3, a.Item4);
            return new ValueTask<byte[]>(FunctionInvoker.Serialize(Nil.Default, c));
        });
    }

    /// <summary>The invoker of a method with 0 parameters that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<TResult>(string entryKey, Func<Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeAsync(method(), c));
    }

    /// <summary>The invoker of a method with 1 parameter that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<T1, TResult>(string entryKey, Func<T1, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1), c));
    }

    /// <summary>The invoker of a method with 2 parameters that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<T1, T2, TResult>(string entryKey, Func<T1, T2, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2), c));
    }

    /// <summary>The invoker of a method with 3 parameters that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<T1, T2, T3, TResult>(string entryKey, Func<T1, T2, T3, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3), c));
    }

    /// <summary>The invoker of a method with 4 parameters that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<T1, T2, T3, T4, TResult>(string entryKey, Func<T1, T2, T3, T4, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, a.Item4), c));
    }

    /// <summary>The invoker of a method with 0 parameters, taking the input's CancellationToken last that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<TResult>(string entryKey, Func<CancellationToken, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeAsync(method(c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 1 parameter, taking the input's CancellationToken last that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<T1, TResult>(string entryKey, Func<T1, CancellationToken, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 2 parameters, taking the input's CancellationToken last that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<T1, T2, TResult>(string entryKey, Func<T1, T2, CancellationToken, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 3 parameters, taking the input's CancellationToken last that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<T1, T2, T3, TResult>(string entryKey, Func<T1, T2, T3, CancellationToken, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 4 parameters, taking the input's CancellationToken last that returns a Task of a value.</summary>
    public static FunctionInvoker TaskResult<T1, T2, T3, T4, TResult>(string entryKey, Func<T1, T2, T3, T4, CancellationToken, Task<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, a.Item4, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 0 parameters that returns a Task.</summary>
    public static FunctionInvoker TaskVoid(string entryKey, Func<Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeAsync(method(), c));
    }

    /// <summary>The invoker of a method with 1 parameter that returns a Task.</summary>
    public static FunctionInvoker TaskVoid<T1>(string entryKey, Func<T1, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1), c));
    }

    /// <summary>The invoker of a method with 2 parameters that returns a Task.</summary>
    public static FunctionInvoker TaskVoid<T1, T2>(string entryKey, Func<T1, T2, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2), c));
    }

    /// <summary>The invoker of a method with 3 parameters that returns a Task.</summary>
    public static FunctionInvoker TaskVoid<T1, T2, T3>(string entryKey, Func<T1, T2, T3, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3), c));
    }

    /// <summary>The invoker of a method with 4 parameters that returns a Task.</summary>
    public static FunctionInvoker TaskVoid<T1, T2, T3, T4>(string entryKey, Func<T1, T2, T3, T4, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, a.Item4), c));
    }

    /// <summary>The invoker of a method with 0 parameters, taking the input's CancellationToken last that returns a Task.</summary>
    public static FunctionInvoker TaskVoid(string entryKey, Func<CancellationToken, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeAsync(method(c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 1 parameter, taking the input's CancellationToken last that returns a Task.</summary>
    public static FunctionInvoker TaskVoid<T1>(string entryKey, Func<T1, CancellationToken, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 2 parameters, taking the input's CancellationToken last that returns a Task.</summary>
    public static FunctionInvoker TaskVoid<T1, T2>(string entryKey, Func<T1, T2, CancellationToken, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 3 parameters, taking the input's CancellationToken last that returns a Task.</summary>
    public static FunctionInvoker TaskVoid<T1, T2, T3>(string entryKey, Func<T1, T2, T3, CancellationToken, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 4 parameters, taking the input's CancellationToken last that returns a Task.</summary>
    public static FunctionInvoker TaskVoid<T1, T2, T3, T4>(string entryKey, Func<T1, T2, T3, T4, CancellationToken, Task> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, a.Item4, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 0 parameters that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<TResult>(string entryKey, Func<ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeAsync(method(), c));
    }

    /// <summary>The invoker of a method with 1 parameter that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<T1, TResult>(string entryKey, Func<T1, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1), c));
    }

    /// <summary>The invoker of a method with 2 parameters that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<T1, T2, TResult>(string entryKey, Func<T1, T2, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2), c));
    }

    /// <summary>The invoker of a method with 3 parameters that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<T1, T2, T3, TResult>(string entryKey, Func<T1, T2, T3, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3), c));
    }

    /// <summary>The invoker of a method with 4 parameters that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<T1, T2, T3, T4, TResult>(string entryKey, Func<T1, T2, T3, T4, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, a.Item4), c));
    }

    /// <summary>The invoker of a method with 0 parameters, taking the input's CancellationToken last that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<TResult>(string entryKey, Func<CancellationToken, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeAsync(method(c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 1 parameter, taking the input's CancellationToken last that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<T1, TResult>(string entryKey, Func<T1, CancellationToken, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 2 parameters, taking the input's CancellationToken last that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<T1, T2, TResult>(string entryKey, Func<T1, T2, CancellationToken, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 3 parameters, taking the input's CancellationToken last that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<T1, T2, T3, TResult>(string entryKey, Func<T1, T2, T3, CancellationToken, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 4 parameters, taking the input's CancellationToken last that returns a ValueTask of a value.</summary>
    public static FunctionInvoker ValueTaskResult<T1, T2, T3, T4, TResult>(string entryKey, Func<T1, T2, T3, T4, CancellationToken, ValueTask<TResult>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, a.Item4, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 0 parameters that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid(string entryKey, Func<ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeAsync(method(), c));
    }

    /// <summary>The invoker of a method with 1 parameter that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid<T1>(string entryKey, Func<T1, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1), c));
    }

    /// <summary>The invoker of a method with 2 parameters that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid<T1, T2>(string entryKey, Func<T1, T2, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2), c));
    }

    /// <summary>The invoker of a method with 3 parameters that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid<T1, T2, T3>(string entryKey, Func<T1, T2, T3, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3), c));
    }

    /// <summary>The invoker of a method with 4 parameters that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid<T1, T2, T3, T4>(string entryKey, Func<T1, T2, T3, T4, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, a.Item4), c));
    }

    /// <summary>The invoker of a method with 0 parameters, taking the input's CancellationToken last that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid(string entryKey, Func<CancellationToken, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeAsync(method(c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 1 parameter, taking the input's CancellationToken last that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid<T1>(string entryKey, Func<T1, CancellationToken, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 2 parameters, taking the input's CancellationToken last that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid<T1, T2>(string entryKey, Func<T1, T2, CancellationToken, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 3 parameters, taking the input's CancellationToken last that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid<T1, T2, T3>(string entryKey, Func<T1, T2, T3, CancellationToken, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 4 parameters, taking the input's CancellationToken last that returns a ValueTask.</summary>
    public static FunctionInvoker ValueTaskVoid<T1, T2, T3, T4>(string entryKey, Func<T1, T2, T3, T4, CancellationToken, ValueTask> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new UnaryInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeAsync(method(a.Item1, a.Item2, a.Item3, a.Item4, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 0 parameters that yields items synchronously.</summary>
    public static FunctionInvoker Generator<TItem>(string entryKey, Func<IEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs>(entryKey, isAsync: false, (_, c) => FunctionInvoker.SerializeStreamAsync(method(), c));
    }

    /// <summary>The invoker of a method with 1 parameter that yields items synchronously.</summary>
    public static FunctionInvoker Generator<T1, TItem>(string entryKey, Func<T1, IEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1>>(entryKey, isAsync: false, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1), c));
    }

    /// <summary>The invoker of a method with 2 parameters that yields items synchronously.</summary>
    public static FunctionInvoker Generator<T1, T2, TItem>(string entryKey, Func<T1, T2, IEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: false, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2), c));
    }

    /// <summary>The invoker of a method with 3 parameters that yields items synchronously.</summary>
    public static FunctionInvoker Generator<T1, T2, T3, TItem>(string entryKey, Func<T1, T2, T3, IEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: false, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2, a.Item3), c));
    }

    /// <summary>The invoker of a method with 4 parameters that yields items synchronously.</summary>
    public static FunctionInvoker Generator<T1, T2, T3, T4, TItem>(string entryKey, Func<T1, T2, T3, T4, IEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: false, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2, a.Item3, a.Item4), c));
    }

    /// <summary>The invoker of a method with 0 parameters that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<TItem>(string entryKey, Func<IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeStreamAsync(method(), c));
    }

    /// <summary>The invoker of a method with 1 parameter that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<T1, TItem>(string entryKey, Func<T1, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1), c));
    }

    /// <summary>The invoker of a method with 2 parameters that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<T1, T2, TItem>(string entryKey, Func<T1, T2, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2), c));
    }

    /// <summary>The invoker of a method with 3 parameters that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<T1, T2, T3, TItem>(string entryKey, Func<T1, T2, T3, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2, a.Item3), c));
    }

    /// <summary>The invoker of a method with 4 parameters that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<T1, T2, T3, T4, TItem>(string entryKey, Func<T1, T2, T3, T4, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2, a.Item3, a.Item4), c));
    }

    /// <summary>The invoker of a method with 0 parameters, taking the input's CancellationToken last that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<TItem>(string entryKey, Func<CancellationToken, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs>(entryKey, isAsync: true, (_, c) => FunctionInvoker.SerializeStreamAsync(method(c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 1 parameter, taking the input's CancellationToken last that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<T1, TItem>(string entryKey, Func<T1, CancellationToken, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 2 parameters, taking the input's CancellationToken last that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<T1, T2, TItem>(string entryKey, Func<T1, T2, CancellationToken, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 3 parameters, taking the input's CancellationToken last that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<T1, T2, T3, TItem>(string entryKey, Func<T1, T2, T3, CancellationToken, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2, T3>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2, a.Item3, c.CancellationToken), c));
    }

    /// <summary>The invoker of a method with 4 parameters, taking the input's CancellationToken last that yields items asynchronously.</summary>
    public static FunctionInvoker AsyncGenerator<T1, T2, T3, T4, TItem>(string entryKey, Func<T1, T2, T3, T4, CancellationToken, IAsyncEnumerable<TItem>> method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new StreamInvoker<ModalArgs<T1, T2, T3, T4>>(entryKey, isAsync: true, (a, c) => FunctionInvoker.SerializeStreamAsync(method(a.Item1, a.Item2, a.Item3, a.Item4, c.CancellationToken), c));
    }
}
