using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Modal.Worker.Web;

/// <summary>
/// Writes what a [WebEndpoint] function returned: an <see cref="IResult"/> runs as is; a declared
/// <c>IAsyncEnumerable&lt;T&gt;</c> or <c>IEnumerable&lt;T&gt;</c> streams as server-sent events, one <c>data:</c> event per
/// item, flushed as it is produced; anything else is serialized as JSON. Task and ValueTask results are awaited first.
/// The shape is worked out once from the declared return type, so a request pays no reflection beyond the call itself.
/// </summary>
internal sealed class EndpointResult
{
    private static readonly MethodInfo AwaitTaskMethod = typeof(EndpointResult).GetMethod(nameof(AwaitTaskAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AwaitValueTaskMethod = typeof(EndpointResult).GetMethod(nameof(AwaitValueTaskAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo StreamAsyncMethod = typeof(EndpointResult).GetMethod(nameof(StreamAsyncEnumerable), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<object?, Task<object?>> _unwrap;
    private readonly Func<HttpContext, object, JsonSerializerOptions, Task>? _stream;
    private readonly JsonSerializerOptions _json;

    public EndpointResult(MethodInfo method, JsonSerializerOptions json)
    {
        _json = json;
        (ValueType, _unwrap) = Unwrapper(method.ReturnType);
        var isIterator = method.GetCustomAttribute<IteratorStateMachineAttribute>() is not null;
        if (StreamItemType(ValueType, isIterator, out var isAsync) is { } item)
        {
            ItemType = item;
            _stream = isAsync
                ? StreamAsyncMethod.MakeGenericMethod(item).CreateDelegate<Func<HttpContext, object, JsonSerializerOptions, Task>>()
                : StreamEnumerable;
        }
    }

    /// <summary>The type of value the function produces, after awaiting (<c>void</c> for none).</summary>
    public Type ValueType { get; }

    /// <summary>For a streaming function, the type of each event's item.</summary>
    public Type? ItemType { get; }

    public bool IsStream => _stream is not null;

    /// <summary>Writes <paramref name="returned"/>, what the method returned; the user's exceptions (while awaiting or streaming) propagate.</summary>
    public async Task WriteAsync(HttpContext context, object? returned)
    {
        var value = await _unwrap(returned).ConfigureAwait(false);
        if (value is IResult result)
        {
            await result.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (_stream is not null && value is not null)
        {
            await _stream(context, value, _json).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, value?.GetType() ?? typeof(object), _json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Reports a failure after the response started: as an <c>error</c> event for a stream (the status is already sent).</summary>
    public async Task WriteStreamErrorAsync(HttpContext context, string message)
    {
        var payload = JsonSerializer.Serialize(new { detail = message }, _json);
        await context.Response.WriteAsync($"event: error\ndata: {payload}\n\n", context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>What a method declared to return <paramref name="returnType"/> produces once awaited, and how to await it.</summary>
    internal static (Type Value, Func<object?, Task<object?>> Unwrap) Unwrapper(Type returnType)
    {
        if (returnType == typeof(void))
        {
            return (typeof(void), static _ => Task.FromResult<object?>(null));
        }

        if (returnType == typeof(Task))
        {
            return (typeof(void), AwaitPlainTaskAsync);
        }

        if (returnType == typeof(ValueTask))
        {
            return (typeof(void), AwaitPlainValueTaskAsync);
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() is var definition &&
            (definition == typeof(Task<>) || definition == typeof(ValueTask<>)))
        {
            var inner = returnType.GetGenericArguments()[0];
            var method = (definition == typeof(Task<>) ? AwaitTaskMethod : AwaitValueTaskMethod).MakeGenericMethod(inner);
            return (inner, method.CreateDelegate<Func<object?, Task<object?>>>());
        }

        return (returnType, static value => Task.FromResult(value));
    }

    private static async Task<object?> AwaitPlainTaskAsync(object? task)
    {
        await ((Task)task!).ConfigureAwait(false);
        return null;
    }

    private static async Task<object?> AwaitPlainValueTaskAsync(object? task)
    {
        await ((ValueTask)task!).ConfigureAwait(false);
        return null;
    }

    private static async Task<object?> AwaitTaskAsync<T>(object? task) => await ((Task<T>)task!).ConfigureAwait(false);

    private static async Task<object?> AwaitValueTaskAsync<T>(object? task) => await ((ValueTask<T>)task!).ConfigureAwait(false);

    /// <summary>
    /// The item type when <paramref name="type"/> is declared as a stream: <c>IAsyncEnumerable&lt;T&gt;</c>, or
    /// <c>IEnumerable&lt;T&gt;</c> from an iterator (<c>yield</c>), as the generator classifies generators. Any other
    /// collection is a value, written as a JSON array.
    /// </summary>
    private static Type? StreamItemType(Type type, bool isIterator, out bool isAsync)
    {
        isAsync = false;
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(IAsyncEnumerable<>))
        {
            isAsync = true;
            return type.GetGenericArguments()[0];
        }

        return definition == typeof(IEnumerable<>) && isIterator ? type.GetGenericArguments()[0] : null;
    }

    private static async Task StreamAsyncEnumerable<T>(HttpContext context, object source, JsonSerializerOptions json)
    {
        await StartEventStreamAsync(context).ConfigureAwait(false);
        await foreach (var item in ((IAsyncEnumerable<T>)source).WithCancellation(context.RequestAborted).ConfigureAwait(false))
        {
            await WriteEventAsync(context, item, json).ConfigureAwait(false);
        }
    }

    // A synchronous iterator blocks this request's thread between items, as a sync function blocks its thread for an input.
    private static async Task StreamEnumerable(HttpContext context, object source, JsonSerializerOptions json)
    {
        await StartEventStreamAsync(context).ConfigureAwait(false);
        foreach (var item in (IEnumerable)source)
        {
            context.RequestAborted.ThrowIfCancellationRequested();
            await WriteEventAsync(context, item, json).ConfigureAwait(false);
        }
    }

    private static async Task StartEventStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx hold back responses unless told not to; the events must reach the client as produced.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>One event: a string item as its text (a line per <c>data:</c> field), anything else as JSON.</summary>
    private static async Task WriteEventAsync<T>(HttpContext context, T item, JsonSerializerOptions json)
    {
        var text = item is string s ? s : JsonSerializer.Serialize(item, item?.GetType() ?? typeof(T), json);
        var builder = new StringBuilder(text.Length + 16);
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            builder.Append("data: ").Append(line).Append('\n');
        }

        builder.Append('\n');
        await context.Response.WriteAsync(builder.ToString(), context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
