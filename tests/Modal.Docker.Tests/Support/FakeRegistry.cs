using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Modal.Docker.Tests.Support;

/// <summary>
/// A stand-in for a private registry on 127.0.0.1 (which the engine reaches over plain HTTP): it demands Basic auth,
/// records the credentials each request brings, and, given the right ones, answers that the image is unknown. Enough
/// to see what credentials our builder hands the real engine's pull, which is the seam under test; no image is served.
/// </summary>
public sealed class FakeRegistry : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _user;
    private readonly string _password;
    private readonly Task _serving;

    public FakeRegistry(string user, string password)
    {
        _user = user;
        _password = password;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The Basic credentials (<c>user:password</c>) of every request that carried some.</summary>
    public ConcurrentQueue<string> Credentials { get; } = new();

    /// <summary>Paths requested, in order.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var request = context.Request;
            var response = context.Response;
            Paths.Enqueue(request.Url!.AbsolutePath);
            string? given = null;
            if (request.Headers["Authorization"] is { } header && header.StartsWith("Basic ", StringComparison.Ordinal))
            {
                given = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
                Credentials.Enqueue(given);
            }

            response.AddHeader("Docker-Distribution-API-Version", "registry/2.0");
            if (given != $"{_user}:{_password}")
            {
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", "Basic realm=\"fake-registry\"");
                await Write(response, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""");
            }
            else if (request.Url.AbsolutePath == "/v2/")
            {
                response.StatusCode = 200;
                await Write(response, "{}");
            }
            else
            {
                response.StatusCode = 404;
                await Write(response, """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}""");
            }
        }
    }

    private static async Task Write(HttpListenerResponse response, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
