using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Modal.Auth;

namespace Modal.Deployments;

/// <summary>
/// Keeps what containers write to stdout/stderr, per app name, in <c>platform.db</c> for <c>modal app logs</c>. Writes
/// arrive on the container API's hot path, so they are queued and stored in batches by one writer; each app name keeps
/// its newest <see cref="KeepPerApp"/> entries. A full queue drops entries (and says so in the server log) rather than
/// slow the containers down.
/// </summary>
internal sealed class AppLogBook : IAsyncDisposable
{
    /// <summary>Entries kept per app name; older ones are deleted as new ones arrive.</summary>
    public const int KeepPerApp = 10_000;

    private const int QueueCapacity = 50_000;
    private const int BatchSize = 500;

    private readonly PlatformStore _store;
    private readonly ILogger _logger;
    private readonly Channel<StoredLogEntry> _queue = Channel.CreateBounded<StoredLogEntry>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _writer;
    private long _dropped;

    public AppLogBook(PlatformStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Append(StoredLogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Stores what is queued and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<StoredLogEntry>(BatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            try
            {
                await _store.AppendLogsAsync(batch, KeepPerApp, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or ObjectDisposedException)
            {
                _logger.LogWarning(ex, "Storing {Count} container log entries failed; they are lost", batch.Count);
            }

            batch.Clear();
            if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
            {
                _logger.LogWarning("Dropped {Count} container log entries: containers wrote faster than the log could be stored", dropped);
            }
        }
    }
}
