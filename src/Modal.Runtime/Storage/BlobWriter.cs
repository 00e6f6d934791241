using System.Security.Cryptography;

namespace Modal.Storage;

/// <summary>
/// One upload into a <see cref="BlobStore"/>: bytes go to a temporary file while being hashed, and the commit renames
/// the file to its hash, so readers never see a partial blob.
/// </summary>
public sealed class BlobWriter : IAsyncDisposable
{
    private readonly BlobStore _store;
    private readonly string _tempPath;
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _committed;

    internal BlobWriter(BlobStore store)
    {
        _store = store;
        _tempPath = Path.Combine(store.Directory, $".upload-{Guid.NewGuid():N}");
        _file = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BlobStore.ChunkSize, FileOptions.Asynchronous);
    }

    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _hash.AppendData(chunk.Span);
        Length += chunk.Length;
        await _file.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finishes the upload and returns the blob's id.</summary>
    public async Task<string> CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _committed = true;
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
        var id = BlobStore.IdOf(_hash);
        var target = _store.PathOf(id);
        if (File.Exists(target))
        {
            File.Delete(_tempPath);
        }
        else
        {
            // A concurrent upload of the same content may win the rename; both wrote identical bytes, so either is right.
            File.Move(_tempPath, target, overwrite: true);
        }

        return id;
    }

    public async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        if (!_committed)
        {
            _committed = true;
            await _file.DisposeAsync().ConfigureAwait(false);
            File.Delete(_tempPath);
        }
    }
}
