namespace Modal;

/// <summary>
/// Moves payloads larger than the inline limit through the control plane's blob store. The client reaches it through
/// the client API and a worker through the container API, which authenticate differently.
/// </summary>
internal interface IBlobTransport
{
    /// <summary>Uploads <paramref name="data"/> and returns its content-addressed blob id.</summary>
    Task<string> PutBlobAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Downloads a blob by id.</summary>
    Task<byte[]> GetBlobAsync(string blobId, CancellationToken cancellationToken);
}
