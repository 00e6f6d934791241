using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace Modal;

/// <summary>
/// Builds the one gRPC channel a process keeps per control plane. Calls are small and frequent, so the channel is
/// tuned for latency: h2c straight to loopback, no proxy lookup, connections kept warm, and more than one HTTP/2
/// connection once a connection's stream limit is reached.
/// </summary>
internal static class ModalGrpcChannel
{
    /// <summary>The scheme of a control plane reached through a Unix domain socket: <c>unix:///path/to/socket</c>.</summary>
    internal const string UnixScheme = "unix";

    /// <summary>Largest message either side accepts: a response may carry many inline payloads of up to 2 MiB each.</summary>
    internal const int MaxMessageBytes = 256 * 1024 * 1024;

    public static GrpcChannel Create(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var unixSocket = address.Scheme == UnixScheme ? address.AbsolutePath : null;
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps && unixSocket is null)
        {
            throw new InvalidError($"The Modal server URL '{address}' must start with http:// or https://, e.g. http://127.0.0.1:7000 (or be unix:///path/to/socket).");
        }

        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            // Large payloads (up to 2 MiB inline) stream faster with a wider flow-control window than the 64 KiB default.
            InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
        };

        if (unixSocket is not null)
        {
            // Containers without a network (BlockNetwork) reach the control plane through a Unix socket mounted into them.
            handler.ConnectCallback = (_, cancellationToken) => ConnectUnixAsync(unixSocket, cancellationToken);
            address = new Uri("http://localhost");
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
        });
    }

    /// <summary>Opens a stream over the Unix domain socket at <paramref name="path"/>.</summary>
    internal static async ValueTask<Stream> ConnectUnixAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
