using Modal.Dispatch;
using Modal.Protocol;

namespace Modal.Worker;

/// <summary>
/// What a container serves: one function's invoker, or a [Cls] class's lifecycle with the instance the container created
/// for its pool's parameter values. Inputs find their invoker here (a class's by the input's method name).
/// </summary>
internal sealed class ServedFunction
{
    private readonly FunctionInvoker? _invoker;
    private readonly ClassLifecycle? _lifecycle;
    private object? _instance;
    private bool _entered;

    private ServedFunction(string name, FunctionInvoker? invoker, ClassLifecycle? lifecycle, IReadOnlyList<FunctionInvoker> invokers)
    {
        Name = name;
        _invoker = invoker;
        _lifecycle = lifecycle;
        HasSyncCode = invokers.Any(i => !i.IsAsync);
        IsBatched = invokers.Any(i => i.IsBatched);
    }

    public string Name { get; }

    /// <summary>Some input runs synchronously, on a thread of its own for its whole run.</summary>
    public bool HasSyncCode { get; }

    /// <summary>Inputs arrive as batches, each run as one call.</summary>
    public bool IsBatched { get; }

    public bool IsClass => _lifecycle is not null;

    /// <summary>Finds what the hello names in the app's registry: a class by its key, else a function by its entry key.</summary>
    public static ServedFunction Resolve(IModalRegistry registry, ContainerHelloResponse hello)
    {
        if (registry.TryGetClass(hello.EntryKey, out var lifecycle))
        {
            var methods = new List<FunctionInvoker>();
            foreach (var name in lifecycle.MethodNames)
            {
                if (lifecycle.TryGetMethod(name, out var method))
                {
                    methods.Add(method);
                }
            }

            return new ServedFunction(hello.FunctionName, null, lifecycle, methods);
        }

        if (registry.TryGetInvoker(hello.EntryKey, out var invoker))
        {
            return new ServedFunction(hello.FunctionName, invoker, null, [invoker]);
        }

        throw new InvalidError(
            $"{hello.AssemblyFile} has no function or class with entry key '{hello.EntryKey}' ('{hello.FunctionName}'). " +
            "The build output changed since the app started; run the app again.");
    }

    /// <summary>The invoker of an input, with the instance it runs on for a class method.</summary>
    public FunctionInvoker InvokerFor(string methodName, out object? instance)
    {
        if (_lifecycle is null)
        {
            instance = null;
            return _invoker!;
        }

        if (!_lifecycle.TryGetMethod(methodName, out var method))
        {
            throw new InvalidError(
                $"Class '{Name}' has no [Method] named '{methodName}'; its methods are: {string.Join(", ", _lifecycle.MethodNames)}. " +
                "The caller and the app must be built from the same source.");
        }

        instance = _instance;
        return method;
    }

    /// <summary>Creates the class's instance with the pool's parameters and runs its [Enter] hooks. Nothing for a function.</summary>
    public async Task EnterAsync(ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        if (_lifecycle is null)
        {
            return;
        }

        _instance = _lifecycle.CreateInstance(parameters, ModalSerializer.Options);
        await _lifecycle.EnterAsync(_instance, cancellationToken).ConfigureAwait(false);
        _entered = true;
    }

    /// <summary>Runs the [Exit] hooks, when the [Enter] hooks ran to the end.</summary>
    public async Task ExitAsync(CancellationToken cancellationToken)
    {
        if (_lifecycle is null || !_entered)
        {
            return;
        }

        _entered = false;
        await _lifecycle.ExitAsync(_instance!, cancellationToken).ConfigureAwait(false);
    }
}
