using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Modal.Dispatch;
using Modal.Protocol;

namespace Modal.Worker;

/// <summary>
/// The input loop of one container: pulls inputs with credits as slots free up, runs each through the generated
/// invoker (sync functions on thread-pool threads, async ones as tasks), reports outputs, heartbeats, and drains on
/// shutdown, on max_inputs, or when an input is stuck past its timeout. A [Batched] function's inputs arrive as batches
/// and run as one call per batch; a generator's items are streamed to the control plane as they are yielded.
/// </summary>
internal sealed class ContainerWorker
{
    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(3);

    /// <summary>How long a cancelled or timed-out input may take to stop before the container gives up on it.</summary>
    internal static readonly TimeSpan CancellationGrace = TimeSpan.FromSeconds(2);

    /// <summary>Heartbeats that may fail in a row before the control plane counts as gone.</summary>
    private const int MaxHeartbeatFailures = 4;

    private readonly ContainerClient _client;
    private readonly ContainerHelloResponse _hello;
    private readonly ServedFunction? _served;
    private readonly Exception? _initError;
    private readonly WorkerLog _log;
    private readonly PrefixedConsoleWriter? _stdout;
    private readonly PrefixedConsoleWriter? _stderr;
    private readonly OutputSender _outputs;
    private readonly ConcurrentDictionary<string, RunningInput> _active = new(StringComparer.Ordinal);
    private readonly Channel<int> _credits = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _drainRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception> _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly InputSlots<RunningInput> _slots;
    private bool _draining;
    private bool _firstInputSeen;

    // served: what the container runs; null when the app could not be loaded. initError: why the container cannot run
    // inputs (loading the app or an [Enter] hook failed); every input it receives then fails with it.
    public ContainerWorker(
        ContainerClient client,
        ContainerHelloResponse hello,
        ServedFunction? served,
        Exception? initError,
        WorkerLog log,
        PrefixedConsoleWriter? stdout,
        PrefixedConsoleWriter? stderr)
    {
        _client = client;
        _hello = hello;
        _served = initError is null ? served : null;
        _initError = initError ?? (served is null ? new InvalidError("The worker has nothing to serve.") : null);
        _log = log;
        _stdout = stdout;
        _stderr = stderr;
        _slots = new InputSlots<RunningInput>(hello.MaxConcurrentInputs, hello.MaxInputs, prefetch: _served is not { IsBatched: true });
        _outputs = new OutputSender(client, ex => _fatal.TrySetResult(ex));
    }

    public int Slots => _slots.Slots;

    /// <summary>Runs until shutdown, max_inputs or a lost control plane; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (_served is { HasSyncCode: true })
        {
            // Sync functions block their thread for the whole input; without spare threads, concurrent inputs would
            // starve the pool that also runs the gRPC I/O.
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, Slots + Environment.ProcessorCount), io);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = _client.GetInputs(stop.Token);
        var creditWriter = WriteCreditsAsync(call.RequestStream);
        var reader = ReadInputsAsync(call.ResponseStream, stop.Token);
        var heartbeat = HeartbeatAsync(stop.Token);
        GrantCredits();

        var drainOrFatal = await Task.WhenAny(_drainRequested.Task, _fatal.Task).ConfigureAwait(false);
        if (drainOrFatal == _fatal.Task)
        {
            _log.Error($"{_fatal.Task.Result.Message} Exiting.");
            await stop.CancelAsync().ConfigureAwait(false);
            return 1;
        }

        // No more credits: closing the request stream tells the server this container takes nothing new.
        _credits.Writer.TryComplete();
        await creditWriter.ConfigureAwait(false);
        CheckIdle();
        var drained = await Task.WhenAny(_idle.Task, _fatal.Task).ConfigureAwait(false);
        if (drained == _idle.Task)
        {
            await _outputs.CompleteAsync().ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(reader).ConfigureAwait(false);
        await IgnoreCancellation(heartbeat).ConfigureAwait(false);
        if (_fatal.Task.IsCompleted)
        {
            _log.Error($"{_fatal.Task.Result.Message} Exiting.");
            return 1;
        }

        return _initError is null ? 0 : 1;
    }

    private async Task WriteCreditsAsync(IClientStreamWriter<ContainerGetInputsRequest> requests)
    {
        try
        {
            var reader = _credits.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var credits = 0;
                while (reader.TryRead(out var c))
                {
                    credits += c;
                }

                await requests.WriteAsync(new ContainerGetInputsRequest { TaskId = _client.TaskId, Credits = credits }).ConfigureAwait(false);
            }

            await requests.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or OperationCanceledException)
        {
            _fatal.TrySetResult(new ModalException($"The input stream to the control plane at {_client.Address} broke ({ex.Message})."));
        }
    }

    private async Task ReadInputsAsync(IAsyncStreamReader<ContainerGetInputsResponse> responses, CancellationToken cancellationToken)
    {
        try
        {
            while (await responses.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var response = responses.Current;
                if (!_firstInputSeen && response.Inputs.Count > 0)
                {
                    _firstInputSeen = true;
                    _log.Milestone("first input");
                }

                foreach (var inputId in response.CancelInputIds)
                {
                    Cancel(inputId);
                }

                if (_served is { IsBatched: true } && response.Inputs.Count > 0)
                {
                    Start(new RunningInput([.. response.Inputs]));
                }
                else
                {
                    foreach (var input in response.Inputs)
                    {
                        Start(new RunningInput(input));
                    }
                }

                if (response.Shutdown)
                {
                    RequestDrain("the control plane asked this container to shut down");
                }
            }

            RequestDrain("the control plane closed the input stream");
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled)
        {
            // The control plane cancels the stream when it stops the app or itself: an ordinary end, not a failure.
            RequestDrain("the control plane ended the input stream");
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            _fatal.TrySetResult(_client.Map(ex, cancellationToken) is ModalException modal
                ? modal
                : new ModalException($"The input stream from the control plane at {_client.Address} broke ({ex.Status.Detail})."));
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        var failures = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            ContainerHeartbeatResponse response;
            try
            {
                response = await _client.HeartbeatAsync(_slots.Held, cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (ModalException ex) when (ex is NotFoundError or AuthError)
            {
                _fatal.TrySetResult(new ModalException($"The control plane no longer knows this container ({ex.Message})."));
                return;
            }
            catch (ModalException ex)
            {
                if (++failures >= MaxHeartbeatFailures)
                {
                    _fatal.TrySetResult(new ModalException($"The control plane at {_client.Address} stopped answering heartbeats ({ex.Message})."));
                    return;
                }

                continue;
            }

            foreach (var inputId in response.CancelInputIds)
            {
                Cancel(inputId);
            }

            if (response.Shutdown)
            {
                RequestDrain("the control plane asked this container to shut down");
            }
        }
    }

    private void GrantCredits()
    {
        var credits = _slots.TakeCredits();
        if (credits > 0)
        {
            _credits.Writer.TryWrite(credits);
        }
    }

    public void RequestDrain(string reason)
    {
        lock (_gate)
        {
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        _slots.Close();

        _log.Info($"draining: {reason}");
        _drainRequested.TrySetResult();
        CheckIdle();
    }

    private void CheckIdle()
    {
        lock (_gate)
        {
            if (_draining && _slots.Held == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>
    /// The caller cancelled an input (the cancellation comes on the input stream, and again in heartbeat replies). A lone
    /// input's run is cancelled; a cancelled member of a batch is reported at once and the batch runs on for the others.
    /// </summary>
    private void Cancel(string inputId)
    {
        if (!_active.TryGetValue(inputId, out var running))
        {
            return;
        }

        var index = running.IndexOf(inputId);
        if (running.Inputs.Count == 1)
        {
            if (!running.CancelledByServer)
            {
                _log.Info($"cancelling input {inputId} on the control plane's request");
                running.CancelByServer();
            }

            return;
        }

        if (index >= 0 && running.TryClaimReport(index))
        {
            Report(running.Inputs[index], Cancelled($"Input {inputId} was cancelled by its caller."), Stopwatch.GetElapsedTime(running.StartedAt));
            _active.TryRemove(inputId, out _);
            if (running.AllReported)
            {
                running.CancelByServer();
            }
        }
    }

    private void Start(RunningInput running)
    {
        foreach (var input in running.Inputs)
        {
            _active[input.InputId] = running;
        }

        var deadline = running.Inputs.Where(i => i.DeadlineMs > 0).Select(i => i.DeadlineMs).DefaultIfEmpty(0).Min();
        if (deadline > 0)
        {
            var remaining = deadline - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            running.Cancellation.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(0, remaining)));
        }

        running.Cancellation.Token.UnsafeRegister(
            static state =>
            {
                var (worker, cancelled) = ((ContainerWorker, RunningInput))state!;
                _ = worker.GiveUpAfterGraceAsync(cancelled);
            },
            (this, running));

        if (_slots.Accept(running))
        {
            Dispatch(running);
        }

        if (_slots.ReachedMaxInputs)
        {
            RequestDrain($"received every input max_inputs={_hello.MaxInputs} allows");
        }
    }

    private void Dispatch(RunningInput running)
    {
        running.MarkStarted();
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Item1.ExecuteAsync(state.Item2), (this, running), preferLocal: false);
    }

    private async Task GiveUpAfterGraceAsync(RunningInput running)
    {
        await Task.Delay(CancellationGrace).ConfigureAwait(false);

        // An input still waiting for a slot has not started; it reports its cancellation as soon as it gets one.
        if (!running.Started || !running.TryComplete())
        {
            return;
        }

        // The code ignores its cancellation token and .NET cannot abort a thread: report the input, take no more work,
        // and let the process exit once the other inputs finish, which ends the stuck code with it.
        var cancelled = running.CancelledByServer;
        _log.Error($"input {running.Input.InputId} is still running {CancellationGrace.TotalSeconds:0}s after its {(cancelled ? "cancellation" : "timeout")}; this container will be replaced.");
        var result = cancelled
            ? Cancelled($"Input {running.Input.InputId} was cancelled by its caller; the function did not stop within {CancellationGrace.TotalSeconds:0} s, so its container is replaced.")
            : new Protocol.FunctionResult
            {
                Status = ResultStatus.Timeout,
                Error = new RemoteError { Type = typeof(FunctionTimeoutError).FullName!, Message = "the function did not stop at its timeout, so its container is replaced" },
            };
        Finish(running, [.. running.Inputs.Select(_ => result)], refillSlot: false);
        RequestDrain("an input did not stop after cancellation");
    }

    private async Task ExecuteAsync(RunningInput running)
    {
        var input = running.Input;
        var ids = running.Inputs.Select(i => i.InputId).ToArray();
        var scope = new InputLogScope(_hello.FunctionName, string.Join(",", ids));
        InputLogScope.Current = scope;
        InputContext.Current = new InputContext(
            input.InputId, input.FunctionCallId, input.RetryCount, ids, running.Cancellation.Token, () => running.CancelledByServer);
        IReadOnlyList<Protocol.FunctionResult> results;
        try
        {
            if (_served is null)
            {
                results = Same(running, InitFailure(_initError!));
            }
            else if (running.Cancellation.IsCancellationRequested)
            {
                // Cancelled or timed out while it waited for a slot: do not start it at all.
                throw new OperationCanceledException(running.Cancellation.Token);
            }
            else
            {
                var invoker = _served.InvokerFor(input.MethodName, out var instance);
                var context = new InvocationContext(input.InputId, input.FunctionCallId, input.RetryCount, ModalSerializer.Options, running.Cancellation.Token)
                {
                    Instance = instance,
                };
                results = invoker.IsBatched
                    ? await RunBatchAsync(invoker, running, context).ConfigureAwait(false)
                    : Same(running, invoker.IsGenerator
                        ? await RunGeneratorAsync(invoker, running, context).ConfigureAwait(false)
                        : await RunOneAsync(invoker, running, context).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InputCancellation && running.Cancellation.IsCancellationRequested)
        {
            results = Same(running, running.CancelledByServer
                ? Cancelled($"Input {input.InputId} was cancelled by its caller.")
                : new Protocol.FunctionResult
                {
                    Status = ResultStatus.Timeout,
                    Error = new RemoteError { Type = typeof(FunctionTimeoutError).FullName!, Message = "the input ran past its deadline" },
                });
        }
        catch (Exception ex)
        {
            results = Same(running, new Protocol.FunctionResult { Status = ResultStatus.Failure, Error = ToRemoteError(ex) });
        }
        finally
        {
            _stdout?.Complete(scope);
            _stderr?.Complete(scope);
            InputLogScope.Current = null;
            InputContext.Current = null;
        }

        if (running.TryComplete())
        {
            Finish(running, results, refillSlot: _served is not null);
        }

        if (_served is null)
        {
            RequestDrain("the container could not start its function (loading the app or an [Enter] hook failed)");
        }
    }

    private async Task<Protocol.FunctionResult> RunOneAsync(FunctionInvoker invoker, RunningInput running, InvocationContext context)
    {
        var args = await Payloads.DecodeAsync(running.Input.Args, _client, running.Cancellation.Token).ConfigureAwait(false);
        var bytes = await invoker.InvokeAsync(args, context).ConfigureAwait(false);
        return await SuccessAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams a generator's items: each is sent before the next is pulled, and the control plane answers only when the
    /// caller has room, so the user's code waits at its <c>yield</c> while the caller is behind.
    /// </summary>
    private async Task<Protocol.FunctionResult> RunGeneratorAsync(FunctionInvoker invoker, RunningInput running, InvocationContext context)
    {
        var token = running.Cancellation.Token;
        var args = await Payloads.DecodeAsync(running.Input.Args, _client, token).ConfigureAwait(false);
        long index = 0;
        await foreach (var item in invoker.InvokeStreamAsync(args, context).ConfigureAwait(false))
        {
            var value = await Payloads.EncodeAsync(item, _client, token).ConfigureAwait(false);
            var stop = await _client.PutGeneratorItemsAsync(running.Input, [new GeneratorItem { Index = index++, Value = value }], token).ConfigureAwait(false);
            if (stop)
            {
                // The caller stopped reading or cancelled the call: end the generator the way a cancellation does.
                running.CancelByServer();
                token.ThrowIfCancellationRequested();
            }
        }

        return await SuccessAsync(MessagePack.MessagePackSerializer.Serialize(MessagePack.Nil.Default, ModalSerializer.Options)).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<Protocol.FunctionResult>> RunBatchAsync(FunctionInvoker invoker, RunningInput running, InvocationContext context)
    {
        var token = running.Cancellation.Token;
        var args = new ReadOnlyMemory<byte>[running.Inputs.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = await Payloads.DecodeAsync(running.Inputs[i].Args, _client, token).ConfigureAwait(false);
        }

        var outputs = await invoker.InvokeBatchAsync(args, context).ConfigureAwait(false);
        var results = new Protocol.FunctionResult[outputs.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            results[i] = await SuccessAsync(outputs[i]).ConfigureAwait(false);
        }

        return results;
    }

    private async Task<Protocol.FunctionResult> SuccessAsync(byte[] bytes) => new()
    {
        Status = ResultStatus.Success,
        Data = await Payloads.EncodeAsync(bytes, _client, CancellationToken.None).ConfigureAwait(false),
    };

    private static Protocol.FunctionResult[] Same(RunningInput running, Protocol.FunctionResult result) =>
        [.. running.Inputs.Select(_ => result)];

    private static Protocol.FunctionResult Cancelled(string message) => new()
    {
        Status = ResultStatus.Cancelled,
        Error = new RemoteError { Type = typeof(InputCancellation).FullName!, Message = message },
    };

    /// <summary>Reports the unit's outputs (those not reported early) and frees its slot; the caller claimed <see cref="RunningInput.TryComplete"/>.</summary>
    private void Finish(RunningInput running, IReadOnlyList<Protocol.FunctionResult> results, bool refillSlot)
    {
        var duration = Stopwatch.GetElapsedTime(running.StartedAt);
        for (var i = 0; i < running.Inputs.Count; i++)
        {
            if (running.TryClaimReport(i))
            {
                Report(running.Inputs[i], results[i], duration);
            }

            _active.TryRemove(running.Inputs[i].InputId, out _);
        }

        running.Dispose();
        if (_slots.Complete(duration.TotalMicroseconds) is { } next)
        {
            Dispatch(next);
        }

        if (refillSlot)
        {
            GrantCredits();
        }

        CheckIdle();
    }

    private void Report(ContainerInput input, Protocol.FunctionResult result, TimeSpan duration) =>
        _outputs.Enqueue(new ContainerOutput
        {
            InputId = input.InputId,
            RetryCount = input.RetryCount,
            Result = result,
            DurationUs = (long)duration.TotalMicroseconds,
        });

    private static Protocol.FunctionResult InitFailure(Exception error) => new()
    {
        Status = ResultStatus.InitFailure,
        Error = ToRemoteError(error),
    };

    internal static RemoteError ToRemoteError(Exception exception) => new()
    {
        Type = exception.GetType().FullName ?? exception.GetType().Name,
        Message = exception.Message,
        StackTrace = exception.StackTrace ?? "",
        Inner = exception.InnerException?.ToString() ?? "",
    };

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: the loops stop when the worker does.
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
            // Same, reported by gRPC.
        }
    }
}
