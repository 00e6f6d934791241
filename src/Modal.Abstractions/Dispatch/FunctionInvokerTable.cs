using System.Diagnostics.CodeAnalysis;

namespace Modal.Dispatch;

/// <summary>
/// The invokers of an app (or of a [Cls] class's methods) by entry key. The generated registry lists one invoker per
/// function and looks them up here, instead of compiling a dispatch switch and a class per function.
/// </summary>
public sealed class FunctionInvokerTable
{
    private readonly Dictionary<string, FunctionInvoker> _byKey;

    /// <param name="invokers">The invokers; their entry keys must be distinct.</param>
    public FunctionInvokerTable(IReadOnlyList<FunctionInvoker> invokers)
    {
        ArgumentNullException.ThrowIfNull(invokers);
        _byKey = new Dictionary<string, FunctionInvoker>(invokers.Count, StringComparer.Ordinal);
        foreach (var invoker in invokers)
        {
            if (!_byKey.TryAdd(invoker.EntryKey, invoker))
            {
                throw new ArgumentException($"Two invokers have the entry key '{invoker.EntryKey}'; each function needs its own.", nameof(invokers));
            }
        }
    }

    public bool TryGet(string entryKey, [NotNullWhen(true)] out FunctionInvoker? invoker) => _byKey.TryGetValue(entryKey, out invoker);
}
