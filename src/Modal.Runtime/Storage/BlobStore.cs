using System.Security.Cryptography;

namespace Modal.Storage;

/// <summary>
/// Content-addressed files for payloads larger than the inline limit: the id of a blob is the lowercase hex sha256 of
/// its bytes, so uploading the same payload twice stores it once and an id can never name different content.
/// </summary>
public sealed class BlobStore
{
    /// <summary>Chunk size used when streaming a blob back; well under gRPC's default 4 MiB message limit.</summary>
    public const int ChunkSize = 1024 * 1024;

    public BlobStore(string directory)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Starts an upload; commit it to get the id, dispose it to discard.</summary>
    public BlobWriter BeginWrite() => new(this);

    /// <summary>Stores <paramref name="content"/> and returns its id.</summary>
    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await using var writer = BeginWrite();
        await writer.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public bool Exists(string blobId) => IsValidId(blobId) && File.Exists(PathOf(blobId));

    /// <summary>Opens a blob for reading; <see cref="NotFoundError"/> when no blob has that id.</summary>
    public Stream OpenRead(string blobId)
    {
        if (!IsValidId(blobId))
        {
            throw new NotFoundError($"'{blobId}' is not a blob id; blob ids are the 64-character hex sha256 that BlobPut returned.");
        }

        try
        {
            return new FileStream(PathOf(blobId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, ChunkSize,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException ex)
        {
            throw new NotFoundError($"Blob {blobId} does not exist in {Directory}. Upload the payload with BlobPut before referring to it.", ex);
        }
    }

    /// <summary>Reads a whole blob into memory.</summary>
    public async Task<byte[]> ReadAllAsync(string blobId, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(blobId);
        var buffer = new byte[stream.Length];
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer;
    }

    internal string PathOf(string blobId) => System.IO.Path.Combine(Directory, blobId);

    internal static bool IsValidId(string blobId)
    {
        if (blobId.Length != 64)
        {
            return false;
        }

        foreach (var c in blobId)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    internal static string IdOf(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());
}
