using System.Net;
using System.Net.Sockets;

namespace Modal.EndToEnd.Tests.Web;

/// <summary>
/// An HTTP client for the gateway's host-routed URLs (<c>http://ws--app-fn.localhost:PORT</c>): whatever the host name,
/// it connects to 127.0.0.1, so the request keeps its Host header for routing and never leaves loopback.
/// </summary>
internal static class LoopbackHttp
{
    public static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);

    public static HttpClient Create(string baseUrl) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
        Timeout = Generous,
    };
}
