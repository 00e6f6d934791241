namespace Modal;

/// <summary>
/// Presents an <see cref="IEnumerable{T}"/> as an <see cref="IAsyncEnumerable{T}"/> whose moves complete synchronously,
/// so the map's chunker can tell that more inputs are ready without waiting.
/// </summary>
internal sealed class SyncAsyncEnumerable<T>(IEnumerable<T> source) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(source.GetEnumerator(), cancellationToken);

    private sealed class Enumerator(IEnumerator<T> inner, CancellationToken cancellationToken) : IAsyncEnumerator<T>
    {
        public T Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new ValueTask<bool>(inner.MoveNext());
        }

        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
