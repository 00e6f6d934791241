using Grpc.Core;
using Grpc.Net.Client;
using Modal.Protocol;

namespace Modal.Server.Tests;

/// <summary>A client of a server-mode control plane with one token, for the platform, client and blob APIs.</summary>
internal sealed class TestConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Metadata _headers = [];

    public TestConnection(Uri address, string? tokenId, string? tokenSecret)
    {
        _channel = ModalGrpcChannel.Create(address);
        if (tokenId is not null)
        {
            _headers.Add("x-modal-token-id", tokenId);
        }

        if (tokenSecret is not null)
        {
            _headers.Add("x-modal-token-secret", tokenSecret);
        }

        Platform = new PlatformApi.PlatformApiClient(_channel);
        Api = new ModalApi.ModalApiClient(_channel);
    }

    public PlatformApi.PlatformApiClient Platform { get; }

    public ModalApi.ModalApiClient Api { get; }

    public CallOptions Call => new(_headers);

    /// <summary>Runs a call and returns the typed error it fails with (or throws when it does not fail).</summary>
    public static async Task<Exception> FailureAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException ex)
        {
            return ModalErrorCodec.FromRpcException(ex);
        }

        throw new Xunit.Sdk.XunitException("The call was expected to fail, and it succeeded.");
    }

    public void Dispose() => _channel.Dispose();
}
