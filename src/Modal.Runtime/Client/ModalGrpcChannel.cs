using System.Net;
using System.Net.Http;
using Grpc.Net.Client;

namespace Modal;

/// <summary>
/// Builds the one gRPC channel a process keeps per control plane. Calls are small and frequent, so the channel is
/// tuned for latency: h2c straight to loopback, no proxy lookup, connections kept warm, and more than one HTTP/2
/// connection once a connection's stream limit is reached.
/// </summary>
internal static class ModalGrpcChannel
{
    /// <summary>Largest message either side accepts: a response may carry many inline payloads of up to 2 MiB each.</summary>
    internal const int MaxMessageBytes = 256 * 1024 * 1024;

    public static GrpcChannel Create(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidError($"The Modal server URL '{address}' must start with http:// or https://, e.g. http://127.0.0.1:7000.");
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

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
        });
    }
}
