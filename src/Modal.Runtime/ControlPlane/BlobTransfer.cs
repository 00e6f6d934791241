using Google.Protobuf;
using Grpc.Core;
using Modal.Protocol;
using Modal.Storage;

namespace Modal.ControlPlane;

/// <summary>BlobPut and BlobGet, shared by the client API and the container API.</summary>
internal static class BlobTransfer
{
    public static async Task<BlobPutResponse> PutAsync(BlobStore store, IAsyncStreamReader<BlobChunk> chunks, CancellationToken cancellationToken)
    {
        await using var writer = store.BeginWrite();
        while (await chunks.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteAsync(chunks.Current.Data.Memory, cancellationToken).ConfigureAwait(false);
        }

        return new BlobPutResponse { BlobId = await writer.CommitAsync(cancellationToken).ConfigureAwait(false) };
    }

    public static async Task GetAsync(BlobStore store, string blobId, IServerStreamWriter<BlobChunk> chunks, CancellationToken cancellationToken)
    {
        await using var file = store.OpenRead(blobId);
        var buffer = new byte[BlobStore.ChunkSize];
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await chunks.WriteAsync(new BlobChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken).ConfigureAwait(false);
        }
    }
}
