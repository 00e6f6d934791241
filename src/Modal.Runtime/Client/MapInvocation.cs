using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Modal.Protocol;
using Modal.Rules;

namespace Modal;

/// <summary>
/// One map call: creates it with the first chunk pipelined, sends the rest while outputs stream in (never more than
/// <see cref="ModalLimits.MaxConcurrentInputsPerMap"/> inputs in flight), reads one output stream, removes repeats by
/// (idx, retry_count), keeps one final result per idx, and yields in input or completion order.
/// </summary>
internal sealed class MapInvocation<TArgs, TResult>
{
    private readonly ModalClient _client;
    private readonly string _functionId;
    private readonly string _functionName;
    private readonly string _methodName;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _window = new(ModalLimits.MaxConcurrentInputsPerMap, ModalLimits.MaxConcurrentInputsPerMap);
    private int _total = -1;
    private int _done;
    private bool _finished;
    private Exception? _senderError;

    // methodName: for a pool of a [Cls] class, the method every input runs; empty for a function.
    public MapInvocation(ModalClient client, string functionId, string functionName, string methodName = "")
    {
        _client = client;
        _functionId = functionId;
        _functionName = functionName;
        _methodName = methodName;
    }

    // throwOnFailure: throw the first failure as soon as it arrives (map) instead of yielding it (return_exceptions).
    public async IAsyncEnumerable<FunctionResult<TResult>> RunAsync(
        IAsyncEnumerable<TArgs> inputs,
        bool orderOutputs,
        bool throwOnFailure,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var sender = new InputSender<TArgs>(_client, inputs, _window, runCts.Token);
        var (first, complete) = await sender.NextChunkAsync(cancellationToken).ConfigureAwait(false);
        if (first.Count == 0 && complete)
        {
            yield break;
        }

        var request = new FunctionMapRequest
        {
            FunctionId = _functionId,
            CallType = FunctionCallType.Map,
            InvocationType = FunctionCallInvocationType.Sync,
            InputsComplete = complete,
            ReturnExceptions = !throwOnFailure,
            MethodName = _methodName,
        };
        request.PipelinedInputs.AddRange(first);
        var created = await InputSender<TArgs>.WithBackoffAsync(ct => _client.FunctionMapAsync(request, ct), cancellationToken).ConfigureAwait(false);
        var callId = created.FunctionCallId;

        Task senderTask;
        if (complete)
        {
            MarkAllSent(sender.Count, cancelReader: null);
            senderTask = Task.CompletedTask;
        }
        else
        {
            senderTask = SendRestAsync(sender, callId, runCts);
        }

        var seen = new HashSet<long>();
        var finals = new HashSet<int>();
        var buffered = orderOutputs ? new Dictionary<int, FunctionResult<TResult>>() : null;
        var next = 0;
        var succeeded = false;
        try
        {
            await using var outputs = OutputReader.ReadAsync(_client, callId, runCts.Token).GetAsyncEnumerator(runCts.Token);
            while (true)
            {
                bool moved;
                try
                {
                    moved = await outputs.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    if (Volatile.Read(ref _senderError) is { } error)
                    {
                        ExceptionDispatchInfo.Throw(error);
                    }

                    if (IsFinished)
                    {
                        break;
                    }

                    throw;
                }

                if (!moved)
                {
                    break;
                }

                foreach (var output in outputs.Current.Outputs)
                {
                    if (!seen.Add(((long)output.Idx << 32) | (uint)output.RetryCount) || !finals.Add(output.Idx))
                    {
                        continue;
                    }

                    var result = await ResultDecoder.DecodeAsync<TResult>(output.Result, _client, _functionName, output.InputId, cancellationToken, output.RetryCount).ConfigureAwait(false);
                    OnFinal();
                    if (throwOnFailure && !result.IsSuccess)
                    {
                        throw result.Exception!;
                    }

                    if (buffered is null)
                    {
                        yield return result;
                        continue;
                    }

                    buffered[output.Idx] = result;
                    while (buffered.Remove(next, out var inOrder))
                    {
                        next++;
                        yield return inOrder;
                    }
                }

                if (IsFinished)
                {
                    break;
                }
            }

            await senderTask.ConfigureAwait(false);
            lock (_gate)
            {
                if (_done != _total)
                {
                    throw new ModalException(
                        $"The outputs of map call {callId} ended after {_done} of {_total} inputs. The control plane may have stopped; run the map again.");
                }
            }

            succeeded = true;
        }
        finally
        {
            if (!succeeded)
            {
                await runCts.CancelAsync().ConfigureAwait(false);
                await _client.TryCancelCallAsync(callId).ConfigureAwait(false);
                try
                {
                    await senderTask.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The sender stops because the map stopped; its own error, if any, was already reported through the reader.
                }
            }
        }
    }

    private bool IsFinished
    {
        get
        {
            lock (_gate)
            {
                return _finished;
            }
        }
    }

    private void OnFinal()
    {
        _window.Release();
        lock (_gate)
        {
            _done++;
            _finished = _done == _total;
        }
    }

    private void MarkAllSent(int total, CancellationTokenSource? cancelReader)
    {
        bool finished;
        lock (_gate)
        {
            _total = total;
            _finished = finished = _done == _total;
        }

        // The last output may have arrived before the last chunk was acknowledged; wake the reader, which would
        // otherwise wait for outputs that will never come on a server that keeps the stream open.
        if (finished)
        {
            cancelReader?.Cancel();
        }
    }

    private async Task SendRestAsync(InputSender<TArgs> sender, string callId, CancellationTokenSource runCts)
    {
        try
        {
            while (true)
            {
                var (chunk, complete) = await sender.NextChunkAsync(runCts.Token).ConfigureAwait(false);
                var request = new FunctionPutInputsRequest { FunctionCallId = callId, InputsComplete = complete };
                request.Inputs.AddRange(chunk);
                await InputSender<TArgs>.WithBackoffAsync(ct => _client.FunctionPutInputsAsync(request, ct), runCts.Token).ConfigureAwait(false);
                if (complete)
                {
                    MarkAllSent(sender.Count, runCts);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (runCts.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _senderError, ex);
            await runCts.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
