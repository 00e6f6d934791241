using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Modal.WebFrames;

namespace Modal.Gateway;

/// <summary>
/// Forwards one gateway request to a local container over its web-frame socket, with the header rules of
/// <see cref="ForwardingTransformer"/>: the request body streams out under the container's credit while the response
/// head and body stream back, flushed to the client whenever no more of it is buffered.
/// </summary>
internal static class WebFrameForwarder
{
    /// <summary>Null when the exchange ended (answered, or the client left); else why the container did not answer, before any response.</summary>
    public static async Task<string?> ForwardAsync(HttpContext context, WebFrameClient client, string socketPath, Uri container, TimeSpan responseTimeout)
    {
        var aborted = context.RequestAborted;
        WebFrameClientStream stream;
        try
        {
            stream = await client.OpenAsync(socketPath, responseTimeout, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return $"cannot connect to its socket: {ex.Message}";
        }

        var connection = stream.Connection;
        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength > 0;
        using var uploading = hasBody ? new CancellationTokenSource() : null;
        Task? upload = null;
        try
        {
            SendHead(context, stream, container, hasBody);
            using var registration = aborted.UnsafeRegister(static state => ((WebFrameClientStream)state!).Cancel(), stream);
            if (uploading is not null)
            {
                upload = UploadAsync(context.Request, stream, uploading.Token);
            }

            try
            {
                await stream.ResponseHead.ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                return aborted.IsCancellationRequested ? null : stream.Failure ?? ex.Message;
            }

            var response = context.Response;
            response.StatusCode = stream.Status;
            foreach (var (name, value) in stream.Headers)
            {
                if (!IsHopByHop(name))
                {
                    response.Headers.Append(name, value);
                }
            }

            var body = stream.ResponseBody;
            var writer = response.BodyWriter;
            try
            {
                while (true)
                {
                    // Kestrel's own block size: a larger hint would make it allocate.
                    var read = await body.ReadAsync(writer.GetMemory(), aborted).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    writer.Advance(read);
                    // Each chunk that found nothing behind it goes out now (an event stream's event); one the end follows is sent by Kestrel.
                    if (!body.HasBuffered && !body.Ended)
                    {
                        await writer.FlushAsync(aborted).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // The container failed or left mid-response, or the client did: the client's response cannot be completed.
                context.Abort();
            }

            return null;
        }
        finally
        {
            // Also when a wait the client's leaving cancelled ended the exchange before the registration's callback ran.
            if (aborted.IsCancellationRequested)
            {
                stream.Cancel();
            }

            if (upload is not null)
            {
                await uploading!.CancelAsync().ConfigureAwait(false);
                await upload.ConfigureAwait(false);
            }

            connection.Remove(stream);
            stream.ResponseBody.Release();
        }
    }

    private static void SendHead(HttpContext context, WebFrameClientStream stream, Uri container, bool hasBody)
    {
        var request = context.Request;
        var scratch = WebFrameClientStream.Scratch;
        scratch.Reset();
        scratch.WriteString(request.Method);
        scratch.WriteString(request.PathBase.Add(request.Path).Value is { Length: > 0 } path ? path : "/");
        scratch.WriteString(request.QueryString.Value ?? "");
        scratch.WriteString(request.Protocol);
        scratch.BeginHeaders();
        foreach (var (name, values) in request.Headers)
        {
            if (IsHopByHop(name) || IsReplaced(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                scratch.WriteHeader(name, value ?? "");
            }
        }

        // The container gets its own address as Host; X-Forwarded-Host has the original.
        scratch.WriteHeader(HeaderNames.Host, container.Authority);
        if (context.Connection.RemoteIpAddress is { } client)
        {
            scratch.WriteHeader("X-Forwarded-For", client.ToString());
        }

        scratch.WriteHeader(ForwardingTransformer.RequestIdHeader, Scheduling.IdGenerator.New("in"));
        scratch.WriteHeader("X-Forwarded-Proto", request.Scheme);
        scratch.WriteHeader("X-Forwarded-Host", request.Host.Value ?? "");
        scratch.EndHeaders();
        stream.Connection.Append(WebFrameType.RequestHead, hasBody ? WebFrameFlags.None : WebFrameFlags.EndStream, stream.Id, scratch.Written);
        stream.Connection.Send();
    }

    private static async Task UploadAsync(HttpRequest request, WebFrameClientStream stream, CancellationToken cancellationToken)
    {
        var connection = stream.Connection;
        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    var rest = segment;
                    while (!rest.IsEmpty)
                    {
                        var granted = await stream.Window.TakeAsync(Math.Min(rest.Length, WebFrame.MaxData), cancellationToken).ConfigureAwait(false);
                        connection.Append(WebFrameType.Data, WebFrameFlags.None, stream.Id, rest.Span[..granted]);
                        rest = rest[granted..];
                        connection.Send();
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    connection.Append(WebFrameType.Data, WebFrameFlags.EndStream, stream.Id, []);
                    connection.Send();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The response ended first; the container needs no more of the body.
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client's body broke off (it left, or sent more than the limit), or the stream failed: the handler must not wait for the rest.
            stream.Cancel();
        }
    }

    private static bool IsReplaced(string name) =>
        name.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ForwardingTransformer.KeyHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ForwardingTransformer.SecretHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ForwardingTransformer.RequestIdHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Forwarded-Host", StringComparison.OrdinalIgnoreCase);

    /// <summary>Headers of one connection, not of the message (RFC 9110 7.6.1), as YARP drops them.</summary>
    private static bool IsHopByHop(string name) =>
        name.Equals(HeaderNames.Connection, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.KeepAlive, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Upgrade, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.ProxyAuthenticate, StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.TE, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Trailer, StringComparison.OrdinalIgnoreCase)
        || name.Equals("HTTP2-Settings", StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.AltSvc, StringComparison.OrdinalIgnoreCase);
}
