using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Modal.Gateway;

/// <summary>
/// What the gateway changes on a forwarded request: the proxy-auth credentials never reach the container, and the
/// container learns the original client, scheme and host from the <c>X-Forwarded-*</c> headers. For requests over TCP
/// (YARP); <see cref="WebFrameForwarder"/> applies the same rules to web frames.
/// </summary>
internal sealed class ForwardingTransformer : HttpTransformer
{
    public const string KeyHeader = "Modal-Key";
    public const string SecretHeader = "Modal-Secret";
    public const string RequestIdHeader = "x-modal-request-id";

    public static ForwardingTransformer Instance { get; } = new();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        // The base copies the client's Host; the container gets its own address instead (X-Forwarded-Host has the original).
        proxyRequest.Headers.Host = null;

        proxyRequest.Headers.Remove(KeyHeader);
        proxyRequest.Headers.Remove(SecretHeader);
        var request = httpContext.Request;
        proxyRequest.Headers.Remove("X-Forwarded-For");
        proxyRequest.Headers.Remove("X-Forwarded-Proto");
        proxyRequest.Headers.Remove("X-Forwarded-Host");
        if (httpContext.Connection.RemoteIpAddress is { } client)
        {
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
        }

        // The worker prefixes the request's log lines with it, as it prefixes an input's with the input id.
        proxyRequest.Headers.Remove(RequestIdHeader);
        proxyRequest.Headers.TryAddWithoutValidation(RequestIdHeader, Scheduling.IdGenerator.New("in"));
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
    }
}
