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
/// shutdown, on max_inputs, or when an input is stuck past its timeout.
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
    private readonly FunctionInvoker? _invoker;
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

    public ContainerWorker(
        ContainerClient client,
        ContainerHelloResponse hello,
        FunctionInvoker? invoker,
        Exception? initError,
        WorkerLog log,
        PrefixedConsoleWriter? stdout,
        PrefixedConsoleWriter? stderr)
    {
        _client = client;
        _hello = hello;
        _invoker = invoker;
        _initError = initError;
        _log = log;
        _stdout = stdout;
        _stderr = stderr;
        _slots = new InputSlots<RunningInput>(hello.MaxConcurrentInputs, hello.MaxInputs);
        _outputs = new OutputSender(client, ex => _fatal.TrySetResult(ex));
    }

    public int Slots => _slots.Slots;

    /// <summary>Runs until shutdown, max_inputs or a lost control plane; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (_invoker is { IsAsync: false })
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
                if (!_firstInputSeen)
                {
                    _firstInputSeen = true;
                    _log.Milestone("first input");
                }

                foreach (var input in response.Inputs)
                {
                    Start(input);
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
                if (_active.TryGetValue(inputId, out var running))
                {
                    _log.Info($"cancelling input {inputId} on the control plane's request");
                    running.CancelByServer();
                }
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

    private void Start(ContainerInput input)
    {
        var running = new RunningInput(input);
        _active[input.InputId] = running;
        if (input.DeadlineMs > 0)
        {
            var remaining = input.DeadlineMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
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
        if (!running.Started || !running.TryClaimReport())
        {
            return;
        }

        // The code ignores its cancellation token and .NET cannot abort a thread: report the input, take no more work,
        // and let the process exit once the other inputs finish, which ends the stuck code with it.
        var status = running.CancelledByServer ? ResultStatus.Cancelled : ResultStatus.Timeout;
        _log.Error($"input {running.Input.InputId} is still running {CancellationGrace.TotalSeconds:0}s after its {(running.CancelledByServer ? "cancellation" : "timeout")}; this container will be replaced.");
        Finish(running, new Protocol.FunctionResult
        {
            Status = status,
            Error = new RemoteError
            {
                Type = status == ResultStatus.Timeout ? typeof(FunctionTimeoutError).FullName! : typeof(OperationCanceledException).FullName!,
                Message = status == ResultStatus.Timeout ? "the function did not stop at its timeout" : "the input was cancelled",
            },
        }, refillSlot: false);
        RequestDrain("an input did not stop after cancellation");
    }

    private async Task ExecuteAsync(RunningInput running)
    {
        var input = running.Input;
        var scope = new InputLogScope(_hello.FunctionName, input.InputId);
        InputLogScope.Current = scope;
        Protocol.FunctionResult result;
        try
        {
            if (_invoker is null)
            {
                result = InitFailure(_initError!);
            }
            else if (running.Cancellation.IsCancellationRequested)
            {
                // Cancelled or timed out while it waited for a slot: do not start it at all.
                throw new OperationCanceledException(running.Cancellation.Token);
            }
            else
            {
                var args = await Payloads.DecodeAsync(input.Args, _client, running.Cancellation.Token).ConfigureAwait(false);
                var context = new InvocationContext(input.InputId, input.FunctionCallId, input.RetryCount, ModalSerializer.Options, running.Cancellation.Token);
                var bytes = await _invoker.InvokeAsync(args, context).ConfigureAwait(false);
                result = new Protocol.FunctionResult
                {
                    Status = ResultStatus.Success,
                    Data = await Payloads.EncodeAsync(bytes, _client, CancellationToken.None).ConfigureAwait(false),
                };
            }
        }
        catch (OperationCanceledException) when (running.Cancellation.IsCancellationRequested)
        {
            result = running.CancelledByServer
                ? new Protocol.FunctionResult { Status = ResultStatus.Cancelled }
                : new Protocol.FunctionResult
                {
                    Status = ResultStatus.Timeout,
                    Error = new RemoteError { Type = typeof(FunctionTimeoutError).FullName!, Message = "the input ran past its deadline" },
                };
        }
        catch (Exception ex)
        {
            result = new Protocol.FunctionResult { Status = ResultStatus.Failure, Error = ToRemoteError(ex) };
        }
        finally
        {
            _stdout?.Complete(scope);
            _stderr?.Complete(scope);
            InputLogScope.Current = null;
        }

        if (running.TryClaimReport())
        {
            Finish(running, result, refillSlot: _invoker is not null);
        }

        if (_invoker is null)
        {
            RequestDrain("the app failed to load");
        }
    }

    private void Finish(RunningInput running, Protocol.FunctionResult result, bool refillSlot)
    {
        var duration = Stopwatch.GetElapsedTime(running.StartedAt);
        _outputs.Enqueue(new ContainerOutput
        {
            InputId = running.Input.InputId,
            RetryCount = running.Input.RetryCount,
            Result = result,
            DurationUs = (long)duration.TotalMicroseconds,
        });
        _active.TryRemove(running.Input.InputId, out _);
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
