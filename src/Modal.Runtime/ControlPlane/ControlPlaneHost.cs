namespace Modal.ControlPlane;

/// <summary>
/// The control plane as a hosted gRPC service: the client API, the container API, the scheduler and the backend.
/// Embedded mode starts one in the client's process on a random loopback port; <c>modal server</c> runs it long-lived.
/// </summary>
public sealed class ControlPlaneHost : IAsyncDisposable
{
    /// <summary>The http://127.0.0.1:PORT address clients and workers connect to.</summary>
    public required Uri Address { get; init; }

    public static Task<ControlPlaneHost> StartAsync(ControlPlaneOptions options, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
