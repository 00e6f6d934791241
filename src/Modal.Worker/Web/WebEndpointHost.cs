using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modal.Worker.Web;

/// <summary>
/// Serves a [WebEndpoint] function (the reference's <c>fastapi_endpoint</c>) at the root path for its one HTTP method,
/// plus <c>/openapi.json</c> and <c>/docs</c> when <c>Docs = true</c>. Each request binds the query and JSON body to the
/// parameters (422 naming each bad field), calls the function, and writes its result (JSON, IResult or an event stream).
/// </summary>
internal sealed class WebEndpointHost : LoopbackAppHost
{
    /// <summary>Request header the gateway may set so a request's log lines carry its id; else Kestrel's trace id is used.</summary>
    public const string RequestIdHeader = "x-modal-request-id";

    private readonly WebFunction _function;
    private readonly WebHostOptions _options;
    private readonly string _method;
    private readonly EndpointBinder _binder;
    private readonly EndpointResult _result;
    private readonly JsonSerializerOptions _json;
    private readonly Lazy<byte[]> _openApi;

    public WebEndpointHost(WebFunction function, WebHostOptions options)
    {
        _function = function;
        _options = options;
        _method = (function.Settings.Method ?? "GET").ToUpperInvariant();
        _json = CreateJsonOptions();
        _binder = new EndpointBinder(function.Method, _json);
        _result = new EndpointResult(function.Method, _json);
        _openApi = new Lazy<byte[]>(() => JsonSerializer.SerializeToUtf8Bytes(OpenApiDocument.Build(_function, _binder, _result, _json), _json));
    }

    /// <summary>
    /// ASP.NET Core's web defaults (camelCase, case-insensitive reads, numbers in strings), enums by name, and strict
    /// reads: a missing constructor parameter or a null for a non-nullable member is a 422, not a silent default.
    /// </summary>
    internal static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    public override Task<IPEndPoint> StartAsync(CancellationToken cancellationToken)
    {
        var builder = LoopbackKestrel.CreateBuilder(_function.Method.DeclaringType?.Assembly.GetName().Name ?? _function.Name, _options.UnixSocketPath);
        var app = builder.Build();
        app.Run(HandleAsync);
        return ServeAsync(app, _options.UnixSocketPath, $"The web endpoint '{_function.Name}'", cancellationToken);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (_function.Settings.Docs == true && HttpMethods.IsGet(request.Method) && path is "/openapi.json" or "/docs")
        {
            await WriteDocsAsync(context, path).ConfigureAwait(false);
            return;
        }

        if (path is not ("/" or ""))
        {
            await WriteDetailAsync(context, StatusCodes.Status404NotFound, "Not Found").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(request.Method, _method, StringComparison.OrdinalIgnoreCase) && !(HttpMethods.IsHead(request.Method) && _method == "GET"))
        {
            context.Response.Headers.Allow = _method;
            await WriteDetailAsync(context, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed").ConfigureAwait(false);
            return;
        }

        var requestId = request.Headers[RequestIdHeader].FirstOrDefault() is { Length: > 0 } id ? id : context.TraceIdentifier;
        var scope = new InputLogScope(_function.Name, requestId);
        InputLogScope.Current = scope;
        try
        {
            var (arguments, problems) = await _binder.BindAsync(context).ConfigureAwait(false);
            if (problems.Count > 0)
            {
                await ValidationProblem.WriteAsync(context, problems, _json).ConfigureAwait(false);
                return;
            }

            var returned = _function.Invoke(arguments);
            await _result.WriteAsync(context, returned).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or the container is stopping); there is no one to answer.
        }
        catch (Exception ex)
        {
            // Written under the request's scope, so the line carries the function and request id like an input's output.
            await Console.Error.WriteLineAsync($"{ex.GetType().FullName}: {ex.Message}{Environment.NewLine}{ex.StackTrace}").ConfigureAwait(false);
            var message = $"{ex.GetType().Name}: {ex.Message}";
            if (context.Response.HasStarted)
            {
                if (_result.IsStream)
                {
                    await _result.WriteStreamErrorAsync(context, message).ConfigureAwait(false);
                }
            }
            else
            {
                context.Response.Clear();
                await WriteDetailAsync(context, StatusCodes.Status500InternalServerError, message).ConfigureAwait(false);
            }
        }
        finally
        {
            _options.EndScope?.Invoke(scope);
            InputLogScope.Current = null;
        }
    }

    private async Task WriteDocsAsync(HttpContext context, string path)
    {
        if (path == "/docs")
        {
            context.Response.ContentType = DocsPage.ContentType;
            await context.Response.WriteAsync(DocsPage.Html, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(_openApi.Value, context.RequestAborted).ConfigureAwait(false);
    }

    private Task WriteDetailAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new { detail }, _json, context.RequestAborted);
    }
}
