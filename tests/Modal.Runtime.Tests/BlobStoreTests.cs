using System.Security.Cryptography;
using Modal.Runtime.Tests.Support;
using Modal.Storage;

namespace Modal.Runtime.Tests;

public sealed class BlobStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_blob_round_trips_under_the_sha256_of_its_content()
    {
        var store = new BlobStore(_dir.Combine("blobs"));
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);

        var id = await store.PutAsync(content, CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), id);
        Assert.True(store.Exists(id));
        Assert.Equal(content, await store.ReadAllAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task The_same_content_is_stored_once()
    {
        var store = new BlobStore(_dir.Combine("blobs"));
        var first = await store.PutAsync("same bytes"u8.ToArray(), CancellationToken.None);
        var second = await store.PutAsync("same bytes"u8.ToArray(), CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(Directory.GetFiles(store.Directory));
    }

    [Fact]
    public async Task An_abandoned_upload_leaves_nothing_behind()
    {
        var store = new BlobStore(_dir.Combine("blobs"));
        await using (var writer = store.BeginWrite())
        {
            await writer.WriteAsync("partial"u8.ToArray(), CancellationToken.None);
        }

        Assert.Empty(Directory.GetFiles(store.Directory));
    }

    [Fact]
    public void Unknown_or_malformed_ids_are_not_found()
    {
        var store = new BlobStore(_dir.Combine("blobs"));
        Assert.Throws<NotFoundError>(() => store.OpenRead(new string('a', 64)));
        Assert.Throws<NotFoundError>(() => store.OpenRead("../state.db"));
        Assert.False(store.Exists("../state.db"));
    }
}
