using Grpc.Core;
using Grpc.Net.Client;
using Modal.Protocol;

namespace Modal.Cli;

/// <summary>
/// The CLI's connection to a <c>modal server</c>: the address and token come from MODAL_SERVER_URL and
/// MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, else from the current profile of ~/.modal.toml.
/// </summary>
internal sealed class CliConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Metadata _headers = [];

    private CliConnection(ModalOptions options, Uri serverUrl, string? environment)
    {
        Options = options;
        ServerUrl = serverUrl;
        Environment = environment ?? options.Environment;
        _channel = ModalGrpcChannel.Create(serverUrl);
        if (!string.IsNullOrEmpty(options.TokenId))
        {
            _headers.Add(ModalClient.TokenIdHeader, options.TokenId);
        }

        if (!string.IsNullOrEmpty(options.TokenSecret))
        {
            _headers.Add(ModalClient.TokenSecretHeader, options.TokenSecret);
        }

        Platform = new PlatformApi.PlatformApiClient(_channel);
        Api = new ModalApi.ModalApiClient(_channel);
    }

    public ModalOptions Options { get; }

    public Uri ServerUrl { get; }

    public string Environment { get; }

    public PlatformApi.PlatformApiClient Platform { get; }

    public ModalApi.ModalApiClient Api { get; }

    public static CliConnection Open(string? environment, ModalOptions? options = null)
    {
        options ??= ModalOptions.FromEnvironment();
        var serverUrl = options.ServerUrl ?? throw new InvalidError(
            "No Modal server is configured. Start one with `modal server` (it writes a profile to ~/.modal.toml), or set MODAL_SERVER_URL " +
            "with MODAL_TOKEN_ID and MODAL_TOKEN_SECRET.");
        return new CliConnection(options, serverUrl, environment);
    }

    public CallOptions Call(CancellationToken cancellationToken) => new(_headers, cancellationToken: cancellationToken);

    public void Dispose() => _channel.Dispose();
}
