using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Modal.Protocol;
using Modal.Rules;

namespace Modal;

/// <summary>
/// Turns serialized arguments and results into wire payloads and back: inline up to
/// <see cref="ModalLimits.MaxInlinePayloadBytes"/>, through the blob store above it, so callers never see the difference.
/// </summary>
internal static class Payloads
{
    /// <summary>Blob transfers are split into messages of this size to stay far below gRPC message limits.</summary>
    internal const int BlobChunkBytes = 1024 * 1024;

    public static ValueTask<Payload> EncodeAsync(ReadOnlyMemory<byte> bytes, IBlobTransport blobs, CancellationToken cancellationToken)
    {
        if (bytes.Length <= ModalLimits.MaxInlinePayloadBytes)
        {
            // The serializer hands us a fresh array that nothing else touches, so wrapping it without a copy is safe.
            return new ValueTask<Payload>(new Payload { Inline = UnsafeByteOperations.UnsafeWrap(bytes) });
        }

        return EncodeBlobAsync(bytes, blobs, cancellationToken);
    }

    private static async ValueTask<Payload> EncodeBlobAsync(ReadOnlyMemory<byte> bytes, IBlobTransport blobs, CancellationToken cancellationToken) =>
        new() { BlobId = await blobs.PutBlobAsync(bytes, cancellationToken).ConfigureAwait(false) };

    public static ValueTask<ReadOnlyMemory<byte>> DecodeAsync(Payload? payload, IBlobTransport blobs, CancellationToken cancellationToken)
    {
        switch (payload?.DataCase)
        {
            case Payload.DataOneofCase.Inline:
                return new ValueTask<ReadOnlyMemory<byte>>(payload.Inline.Memory);
            case Payload.DataOneofCase.BlobId:
                return DecodeBlobAsync(payload.BlobId, blobs, cancellationToken);
            default:
                throw new ModalException("A payload arrived with neither inline data nor a blob id; the control plane and this SDK disagree on the wire format. Use matching versions.");
        }
    }

    private static async ValueTask<ReadOnlyMemory<byte>> DecodeBlobAsync(string blobId, IBlobTransport blobs, CancellationToken cancellationToken) =>
        await blobs.GetBlobAsync(blobId, cancellationToken).ConfigureAwait(false);

    /// <summary>Streams <paramref name="data"/> into a BlobPut call and returns the blob id.</summary>
    public static async Task<string> UploadAsync(AsyncClientStreamingCall<BlobChunk, BlobPutResponse> call, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using (call)
        {
            for (var offset = 0; offset < data.Length; offset += BlobChunkBytes)
            {
                var chunk = data.Slice(offset, Math.Min(BlobChunkBytes, data.Length - offset));
                await call.RequestStream.WriteAsync(new BlobChunk { Data = UnsafeByteOperations.UnsafeWrap(chunk) }, cancellationToken).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            var response = await call.ResponseAsync.ConfigureAwait(false);
            return response.BlobId;
        }
    }

    /// <summary>Reads a BlobGet call to the end.</summary>
    public static async Task<byte[]> DownloadAsync(AsyncServerStreamingCall<BlobChunk> call, CancellationToken cancellationToken)
    {
        using (call)
        {
            var buffer = new ArrayBufferWriter<byte>(ModalLimits.MaxInlinePayloadBytes * 2);
            while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var data = call.ResponseStream.Current.Data.Span;
                data.CopyTo(buffer.GetSpan(data.Length));
                buffer.Advance(data.Length);
            }

            return buffer.WrittenSpan.ToArray();
        }
    }
}
