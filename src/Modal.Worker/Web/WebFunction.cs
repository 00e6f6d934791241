using System.Reflection;
using System.Text.Json;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Worker.Web;

/// <summary>
/// A web function as its container serves it: the manifest's <c>web</c> settings and the user's method. Web functions
/// bind HTTP requests to parameters at run time, so, unlike inputs (which go through the generated invokers), they
/// reach the method by reflection; the lookup happens once, when the container starts.
/// </summary>
internal sealed class WebFunction
{
    public WebFunction(string name, MethodInfo method, WebManifest settings)
    {
        Name = name;
        Method = method;
        Settings = settings;
    }

    public string Name { get; }

    public MethodInfo Method { get; }

    public WebManifest Settings { get; }

    /// <summary>The web function the hello names, or null when the function is not served over HTTP.</summary>
    public static WebFunction? FromHello(ContainerHelloResponse hello, Assembly appAssembly)
    {
        if (string.IsNullOrEmpty(hello.FunctionManifestJson))
        {
            return null;
        }

        // Every container passes here, and binding the whole manifest with reflection costs a cold start tens of
        // milliseconds: look for the web settings first, and bind only a web function's manifest.
        using (var document = JsonDocument.Parse(hello.FunctionManifestJson))
        {
            if (!document.RootElement.TryGetProperty("web", out var settings) || settings.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
        }

        var manifest = JsonSerializer.Deserialize<FunctionManifest>(hello.FunctionManifestJson, AppManifest.JsonOptions);
        if (manifest?.Web is not { } web)
        {
            return null;
        }

        if (manifest.Kind != "function")
        {
            throw new InvalidError(
                $"'{hello.FunctionName}' is a [Cls] method with a web attribute; web endpoints on classes are not supported yet. " +
                "Move it to a static [Function] of the app.");
        }

        return new WebFunction(hello.FunctionName, FindMethod(appAssembly, hello.EntryKey, hello.FunctionName), web);
    }

    /// <summary>The host that serves this function's kind.</summary>
    public IWebFunctionHost CreateHost(WebHostOptions options) => Settings.Kind switch
    {
        "endpoint" => new WebEndpointHost(this, options),
        "app" => new WebAppHost(this, options.UnixSocketPath),
        "server" => new WebServerHost(this, options),
        _ => throw new InvalidError(
            $"'{Name}' has web kind '{Settings.Kind}', which this worker does not know (endpoint, app and server are). " +
            "Rebuild the app with the same Modal version as the worker."),
    };

    /// <summary>Calls the user's method; its exceptions surface as themselves, not wrapped in a TargetInvocationException.</summary>
    public object? Invoke(object?[] arguments) =>
        Method.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);

    /// <summary>
    /// Calls a [WebApp] or [WebServer] function, which runs once per container with no arguments (or only a
    /// CancellationToken: the start-up's), and awaits what it returns.
    /// </summary>
    public async Task<object?> InvokeOnceAsync(CancellationToken cancellationToken)
    {
        var parameters = Method.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].ParameterType == typeof(CancellationToken))
            {
                arguments[i] = cancellationToken;
            }
            else if (parameters[i].HasDefaultValue)
            {
                arguments[i] = parameters[i].DefaultValue is DBNull or Missing ? null : parameters[i].DefaultValue;
            }
            else
            {
                throw new InvalidError(
                    $"Web function '{Name}' has parameter '{parameters[i].Name}', but a [WebApp] or [WebServer] function is called once per container " +
                    "with no arguments (it may take a CancellationToken). Read its settings from the environment or a secret instead.");
            }
        }

        var (_, unwrap) = EndpointResult.Unwrapper(Method.ReturnType);
        return await unwrap(Invoke(arguments)).ConfigureAwait(false);
    }

    // The entry key is the app class's full name, a dot and the function's name (which [Function(Name = ...)] may set
    // apart from the method's name).
    private static MethodInfo FindMethod(Assembly assembly, string entryKey, string functionName)
    {
        var suffix = "." + functionName;
        var typeName = entryKey.EndsWith(suffix, StringComparison.Ordinal) ? entryKey[..^suffix.Length] : entryKey;
        var appType = assembly.GetType(typeName)
            ?? assembly.GetTypes().FirstOrDefault(t => t.FullName?.Replace('+', '.') == typeName)
            ?? throw new InvalidError($"{assembly.GetName().Name} has no app class '{typeName}' for web function '{functionName}'. Rebuild the app and run it again.");

        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var method in appType.GetMethods(flags))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is { } function && (function.Name ?? method.Name) == functionName)
            {
                return method;
            }
        }

        throw new InvalidError($"App class '{typeName}' has no [Function] named '{functionName}'. Rebuild the app and run it again.");
    }
}
