using MessagePack;
using Modal.Dispatch;
using Modal.Protocol;
using Modal.Rules;

namespace Modal;

/// <summary>
/// Cuts a stream of arguments into chunks for FunctionMap/FunctionPutInputs: up to <see cref="MaxChunkInputs"/> inputs or
/// about <see cref="MaxChunkBytes"/> of inline data, and no more inputs in flight than the window allows. A chunk is
/// sent early rather than waiting when the window or the source would block, so outputs keep flowing.
/// </summary>
internal sealed class InputSender<TArgs> : IAsyncDisposable
{
    internal const int MaxChunkInputs = 1_000;
    internal const int MaxChunkBytes = 1024 * 1024;

    /// <summary>How long a refused chunk is retried before the refusal reaches the caller.</summary>
    internal static readonly TimeSpan MaxBackoffTotal = TimeSpan.FromMinutes(5);

    private readonly ModalClient _client;
    private readonly IAsyncEnumerator<TArgs> _source;
    private readonly SemaphoreSlim? _window;
    private bool _exhausted;
    private ValueTask<bool>? _pendingMove;

    // window: slots of inputs in flight, released by the output reader; null sends without limit.
    public InputSender(ModalClient client, IAsyncEnumerable<TArgs> source, SemaphoreSlim? window, CancellationToken cancellationToken)
    {
        _client = client;
        _source = source.GetAsyncEnumerator(cancellationToken);
        _window = window;
    }

    /// <summary>Inputs handed out so far; also the idx of the next one.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// The next chunk: at least one input unless the source is exhausted, in which case <c>complete</c> is true (and the
    /// chunk may still hold the last inputs).
    /// </summary>
    public async Task<(List<FunctionInput> Chunk, bool Complete)> NextChunkAsync(CancellationToken cancellationToken)
    {
        var chunk = new List<FunctionInput>();
        var bytes = 0;
        while (!_exhausted && chunk.Count < MaxChunkInputs && bytes < MaxChunkBytes)
        {
            if (_window is not null && !_window.Wait(0))
            {
                if (chunk.Count > 0)
                {
                    break;
                }

                await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            // A MoveNextAsync left pending by the previous chunk must be awaited before the enumerator moves again.
            var move = _pendingMove ?? _source.MoveNextAsync();
            _pendingMove = null;
            if (!move.IsCompleted && chunk.Count > 0)
            {
                // The source is slow: send what we have now, and pick the pending item up with the next chunk.
                _window?.Release();
                _pendingMove = move;
                break;
            }

            if (!await move.ConfigureAwait(false))
            {
                _window?.Release();
                _exhausted = true;
                break;
            }

            var input = await EncodeAsync(_source.Current, cancellationToken).ConfigureAwait(false);
            bytes += input.Args.DataCase == Payload.DataOneofCase.Inline ? input.Args.Inline.Length : 0;
            chunk.Add(input);
        }

        return (chunk, _exhausted);
    }

    private async ValueTask<FunctionInput> EncodeAsync(TArgs args, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = MessagePackSerializer.Serialize(args, ModalSerializer.Options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new InvalidError(
                $"Input {Count} could not be serialized: {ex.Message}. Every argument type must be one the Modal generator " +
                "emitted a formatter for (primitives, collections, and types used in function signatures).", ex);
        }

        var payload = await Payloads.EncodeAsync(bytes, _client, cancellationToken).ConfigureAwait(false);
        return new FunctionInput { Idx = Count++, Args = payload };
    }

    /// <summary>
    /// Runs a call the server may refuse with ResourceExhausted. A refused chunk was refused whole, so it is resent as is,
    /// with exponential backoff, until <see cref="MaxBackoffTotal"/> has passed.
    /// </summary>
    public static async Task<T> WithBackoffAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        var started = Environment.TickCount64;
        while (true)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (ResourceExhaustedError) when (Environment.TickCount64 - started < MaxBackoffTotal.TotalMilliseconds)
            {
                await Task.Delay(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)delay.TotalMilliseconds / 2 + 1)), cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2_000));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_pendingMove is { } pending)
        {
            _pendingMove = null;
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The map is being torn down; the source's own cancellation is expected here.
            }
        }

        await _source.DisposeAsync().ConfigureAwait(false);
    }
}
