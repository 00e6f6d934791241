using MessagePack;

namespace Modal.Dispatch;

/// <summary>
/// The generated lifecycle of one [Cls] class: creates the container's instance with its [Parameter] values, runs its
/// [Enter] and [Exit] hooks, and finds the invoker of each [Method]. Everything is a direct call; the worker uses no
/// reflection on the class.
/// </summary>
public abstract class ClassLifecycle
{
    /// <summary>The class's entry key (the manifest entry of kind <c>class</c> names it).</summary>
    public abstract string ClassKey { get; }

    /// <summary>
    /// Creates the instance a container serves its inputs with. <paramref name="parameters"/> is the parameter record the
    /// class's handle serialized (the pool key); empty means every parameter keeps its default.
    /// </summary>
    public abstract object CreateInstance(ReadOnlyMemory<byte> parameters, MessagePackSerializerOptions options);

    /// <summary>Runs the [Enter] hooks in declaration order, once per container, before its first input.</summary>
    public abstract ValueTask EnterAsync(object instance, CancellationToken cancellationToken);

    /// <summary>Runs the [Exit] hooks in declaration order when the container shuts down.</summary>
    public abstract ValueTask ExitAsync(object instance, CancellationToken cancellationToken);

    /// <summary>The invoker of a [Method] by name; its inputs carry the instance in <see cref="InvocationContext.Instance"/>.</summary>
    public abstract bool TryGetMethod(string methodName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FunctionInvoker? invoker);

    /// <summary>The names of the class's methods, for messages.</summary>
    public abstract IReadOnlyList<string> MethodNames { get; }
}
