using System.Buffers;
using MessagePack;
using Modal.Dispatch;
using Modal.Protocol;

namespace Modal;

/// <summary>
/// <c>Function.from_name</c>: a function of a deployed (or running) app looked up by name, from any process, without
/// the app's assembly. The caller states the result type; arguments go in the order of the function's parameters.
/// </summary>
public static class Function
{
    /// <summary>
    /// A handle to <paramref name="functionName"/> of app <paramref name="appName"/> on the configured control plane
    /// (MODAL_SERVER_URL and a token, or a profile of ~/.modal.toml, or the app running in this process). The lookup
    /// happens at the first call; a missing app or function raises <see cref="NotFoundError"/> then.
    /// </summary>
    public static RemoteFunction<TResult> FromName<TResult>(string appName, string functionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appName);
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        return new RemoteFunction<TResult>(appName, functionName);
    }

    /// <summary>
    /// The web URL of a function: from the app running in this process when it is that app, else from the control plane
    /// (FunctionGet). Throws <see cref="InvalidError"/> when the function is not a web function.
    /// </summary>
    internal static async Task<string> WebUrlAsync(string appName, string functionName, string lookupName, CancellationToken cancellationToken)
    {
        if (AppRun.Current is { IsStopped: false } run && run.AppName == appName && run.FunctionIds.ContainsKey(lookupName))
        {
            return run.WebUrls.TryGetValue(lookupName, out var known) ? known : throw NotWeb(appName, functionName);
        }

        var client = ModalClient.ForCurrentContext();
        FunctionGetResponse response;
        try
        {
            response = await client.Api.FunctionGetAsync(
                new FunctionGetRequest { AppName = appName, FunctionName = lookupName, Environment = client.Environment },
                client.Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (Grpc.Core.RpcException ex)
        {
            throw client.Map(ex, cancellationToken);
        }

        return response.WebUrl is { Length: > 0 } url ? url : throw NotWeb(appName, functionName);
    }

    internal static InvalidError NotWeb(string appName, string functionName) => new(
        $"Function '{functionName}' of app '{appName}' is not a web function, so it has no web URL. Mark it [WebEndpoint], [WebApp] or " +
        "[WebServer(port)] to serve it over HTTP, or call it with RemoteAsync.");
}

/// <summary>A function found by name (<see cref="Function.FromName{TResult}"/>), typed by its caller.</summary>
public sealed class RemoteFunction<TResult>
{
    internal RemoteFunction(string appName, string functionName)
    {
        AppName = appName;
        FunctionName = functionName;
    }

    public string AppName { get; }

    public string FunctionName { get; }

    /// <summary>Runs the function remotely with <paramref name="args"/> (in parameter order) and returns its result.</summary>
    public async Task<TResult> RemoteAsync(object?[] args, CancellationToken cancellationToken = default)
    {
        var (client, request) = await RequestAsync(args, FunctionCallInvocationType.Sync, cancellationToken).ConfigureAwait(false);
        var created = await client.FunctionMapAsync(request, cancellationToken).ConfigureAwait(false);
        var result = await UnaryOutput.WaitAsync<TResult>(client, created.FunctionCallId, FunctionName, cancelOnAbandon: true, cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>
    /// The URL of this web endpoint on the control plane's gateway (the reference's <c>get_web_url</c>). Throws
    /// <see cref="InvalidError"/> when the function is not a web function, and <see cref="NotFoundError"/> when no such
    /// app or function runs.
    /// </summary>
    public Task<string> GetWebUrlAsync(CancellationToken cancellationToken = default) =>
        Function.WebUrlAsync(AppName, FunctionName, FunctionName, cancellationToken);

    /// <summary>Starts the function without waiting; fetch the result later, from any process, by the call's id.</summary>
    public async Task<FunctionCall<TResult>> SpawnAsync(object?[] args, CancellationToken cancellationToken = default)
    {
        var (client, request) = await RequestAsync(args, FunctionCallInvocationType.Async, cancellationToken).ConfigureAwait(false);
        var created = await client.FunctionMapAsync(request, cancellationToken).ConfigureAwait(false);
        return new FunctionCall<TResult>(created.FunctionCallId, client, FunctionName);
    }

    /// <summary>
    /// update_autoscaler: changes the function's scaling now; unset values keep theirs. The app's next deploy returns to
    /// the settings in its code.
    /// </summary>
    public async Task UpdateAutoscalerAsync(int? minContainers = null, int? maxContainers = null, int? bufferContainers = null, int? scaledownWindowSeconds = null, CancellationToken cancellationToken = default)
    {
        var (client, functionId) = await ResolveAsync(cancellationToken).ConfigureAwait(false);
        var request = new FunctionUpdateAutoscalerRequest { FunctionId = functionId };
        if (minContainers is { } min)
        {
            request.MinContainers = min;
        }

        if (maxContainers is { } max)
        {
            request.MaxContainers = max;
        }

        if (bufferContainers is { } buffer)
        {
            request.BufferContainers = buffer;
        }

        if (scaledownWindowSeconds is { } window)
        {
            request.ScaledownWindowSeconds = window;
        }

        try
        {
            await client.Api.FunctionUpdateAutoscalerAsync(request, client.Options(cancellationToken)).ConfigureAwait(false);
        }
        catch (Grpc.Core.RpcException ex)
        {
            throw client.Map(ex, cancellationToken);
        }
    }

    private async Task<(ModalClient Client, FunctionMapRequest Request)> RequestAsync(object?[] args, FunctionCallInvocationType invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (client, functionId) = await ResolveAsync(cancellationToken).ConfigureAwait(false);
        var request = new FunctionMapRequest
        {
            FunctionId = functionId,
            CallType = FunctionCallType.Unary,
            InvocationType = invocation,
            InputsComplete = true,
        };
        request.PipelinedInputs.Add(new FunctionInput { Idx = 0, Args = await Payloads.EncodeAsync(Encode(args), client, cancellationToken).ConfigureAwait(false) });
        return (client, request);
    }

    /// <summary>The argument record as generated formatters write it: a MessagePack array of the arguments in order.</summary>
    private byte[] Encode(object?[] args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(args.Length);
        try
        {
            foreach (var arg in args)
            {
                if (arg is null)
                {
                    writer.WriteNil();
                }
                else
                {
                    MessagePackSerializer.Serialize(arg.GetType(), ref writer, arg, ModalSerializer.Options);
                }
            }
        }
        catch (MessagePackSerializationException ex)
        {
            throw new InvalidError(
                $"The arguments of '{FunctionName}' of app '{AppName}' could not be serialized: {ex.Message}. Pass primitives, strings, arrays and lists, " +
                "or call the function through the app's generated handle.", ex);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private async ValueTask<(ModalClient Client, string FunctionId)> ResolveAsync(CancellationToken cancellationToken)
    {
        var client = ModalClient.ForCurrentContext();
        if (AppRun.Current is { IsStopped: false } run && run.AppName == AppName && run.FunctionIds.TryGetValue(FunctionName, out var id))
        {
            return (run.Client, id);
        }

        return (client, await client.GetFunctionIdAsync(AppName, FunctionName, cancellationToken).ConfigureAwait(false));
    }
}
