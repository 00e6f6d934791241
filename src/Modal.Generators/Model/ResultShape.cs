namespace Modal.Generators.Model;

/// <summary>How a user method hands back its result; decides whether the invoker awaits and what the handle returns.</summary>
internal enum ResultShape
{
    Void,
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,

    /// <summary>An <c>IAsyncEnumerable&lt;T&gt;</c> (a generator function).</summary>
    AsyncEnumerable,

    /// <summary>An <c>IEnumerable&lt;T&gt;</c> written with <c>yield</c> (a synchronous generator, run on a thread).</summary>
    Enumerable,
}
