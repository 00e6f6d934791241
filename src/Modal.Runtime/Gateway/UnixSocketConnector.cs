namespace Modal.Gateway;

/// <summary>
/// Connects the gateway's forwarder to a container's HTTP server over the Unix domain socket it reported, which costs
/// the kernel far less per request than loopback TCP. The request still names the container's TCP address, which keys
/// the connection pool (one container per address) and gives the Host header the container expects.
/// </summary>
internal static class UnixSocketConnector
{
    /// <summary>The socket a forwarded request's new connection goes to; set by <see cref="ForwardingTransformer"/>.</summary>
    public static readonly HttpRequestOptionsKey<string> SocketPath = new("modal-unix-socket");

    private const string FileName = "http.sock";
    private const string DirectoryPrefix = "modal-web-";

    /// <summary>Where the container <paramref name="taskId"/> puts its socket: a directory of its own in <paramref name="parent"/>.</summary>
    public static string PathFor(string parent, string taskId) => Path.Combine(parent, DirectoryPrefix + taskId, FileName);

    /// <summary>
    /// Whether <paramref name="path"/> is one <see cref="PathFor"/> gives for <paramref name="taskId"/>: a container may
    /// name no other socket, so it cannot point the gateway's requests at some other service's socket on this machine.
    /// </summary>
    public static bool IsPathOf(string path, string taskId) =>
        Path.IsPathFullyQualified(path)
        && Path.GetFileName(path) == FileName
        && Path.GetFileName(Path.GetDirectoryName(path)) == DirectoryPrefix + taskId;

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/>.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(SocketPath, out var path))
        {
            throw new InvalidOperationException($"A request to {context.DnsEndPoint} reached the gateway's Unix-socket client without the socket's path.");
        }

        return await ModalGrpcChannel.ConnectUnixAsync(path, cancellationToken).ConfigureAwait(false);
    }
}
