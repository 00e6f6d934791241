using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Modal.Backends;
using Modal.ControlPlane;
using Modal.Manifest;
using Modal.Protocol;
using Modal.Rules;
using Modal.Storage;

namespace Modal.Scheduling;

/// <summary>
/// The control plane's brain behind both gRPC services: apps and functions, calls and their outputs, containers and
/// their liveness. Per-function decisions live in <see cref="FunctionRuntime"/>; this class runs their effects (storage,
/// backend, retry timers), the periodic maintenance tick, and recovery of spawned work after a restart.
/// </summary>
internal sealed class Scheduler : IAsyncDisposable
{
    private static readonly TimeSpan SlowPassInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);
    private static readonly long ResultRetentionMs = (long)TimeSpan.FromDays(ModalLimits.ResultRetentionDays).TotalMilliseconds;

    private readonly ControlPlaneOptions _options;
    private readonly IStateStore _store;
    private readonly IContainerBackend _backend;
    private readonly GpuPlacer _gpus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RunningApp> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FunctionRuntime> _functions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FunctionCallState> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ContainerTask> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FunctionCallState> _completedSyncCalls = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _maintenanceGate = new(1, 1);
    // One GPU reclaim pass at a time, so two passes never both stop a container for the same waiting one.
    private readonly object _reclaimGate = new();
    // [WebServer] ports of this node: which container holds each, and containers held back until it is free.
    private readonly object _portGate = new();
    private readonly Dictionary<int, ContainerTask> _portHolders = [];
    private readonly Dictionary<int, Queue<ContainerTask>> _portWaiters = [];
    private long _routesVersion;
    private Task _maintenanceLoop = Task.CompletedTask;
    private Task _exitLoop = Task.CompletedTask;
    private long _lastSlowPassMs;
    private long _lastPurgeMs;
    private int _disposed;

    public Scheduler(ControlPlaneOptions options, IStateStore store, BlobStore blobs, IContainerBackend backend)
    {
        _options = options;
        _store = store;
        Blobs = blobs;
        _backend = backend;
        _time = options.TimeProvider;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Modal.ControlPlane");
        _gpus = new GpuPlacer(options.GpuInventory, _logger);
        ServerUrl = new Uri("http://127.0.0.1:0");
    }

    /// <summary>The address containers are told to call back on.</summary>
    public Uri ServerUrl { get; private set; }

    public BlobStore Blobs { get; }

    public IContainerBackend Backend => _backend;

    /// <summary>GPU placement: which containers wait for devices, and why.</summary>
    internal GpuPlacer Gpus => _gpus;

    /// <summary>The gateway's port, which web endpoint URLs name; set by the host once the gateway listens.</summary>
    internal int WebPort { get; set; }

    /// <summary>Server mode: the workspace that owns an app id (for apps recovered after a restart).</summary>
    internal Func<string, string?>? OwnerOf { get; set; }

    /// <summary>Changes whenever apps or functions come or go, so the gateway knows to rebuild its routes.</summary>
    internal long RoutesVersion => Interlocked.Read(ref _routesVersion);

    /// <summary>Cancelled when the control plane shuts down; long-lived streams end with it.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Recovers stored work, then starts the maintenance tick and the backend's exit reports.</summary>
    public async Task StartAsync(Uri serverUrl, CancellationToken cancellationToken)
    {
        ServerUrl = serverUrl;
        await RecoverAsync(cancellationToken).ConfigureAwait(false);
        _exitLoop = Task.Run(ExitLoopAsync, CancellationToken.None);
        _maintenanceLoop = Task.Run(MaintenanceLoopAsync, CancellationToken.None);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Apps and functions.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Creates an app and its functions; <paramref name="workspace"/> (server mode) is the owner web endpoint URLs name.</summary>
    public async Task<AppCreateResponse> CreateAppAsync(AppCreateRequest request, CancellationToken cancellationToken, string? workspace = null)
    {
        AppManifest manifest;
        try
        {
            manifest = AppManifest.Parse(request.ManifestJson);
        }
        catch (FormatException ex)
        {
            throw new InvalidError(ex.Message, ex);
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? manifest.App : request.Name;
        var state = request.State switch
        {
            AppState.Unspecified => AppState.Ephemeral,
            AppState.Stopped => throw new InvalidError($"An app cannot be created in the stopped state; create app '{name}' as ephemeral, detached or deployed."),
            var other => other,
        };
        ManifestValidator.Validate(manifest.Functions);
        _backend.Validate(name, Auth.PlatformSettings.ForBackend(manifest.Functions, _options.ServerMode is not null));
        _options.ContainerEnvironment?.Validate(name, manifest.Functions, request.Secrets);
        await _gpus.ValidateAsync(manifest.Functions, cancellationToken).ConfigureAwait(false);
        var artifactDir = ValidateArtifact(name, request.ArtifactDir, request.AssemblyFile);
        // Image builds happen here, before anything is stored: a failed build aborts the deploy and the previous version keeps serving.
        await _backend.PrepareAsync(name, artifactDir, request.AssemblyFile, manifest.Functions, cancellationToken).ConfigureAwait(false);

        var now = NowMs;
        var environment = string.IsNullOrWhiteSpace(request.Environment) ? _options.Environment : request.Environment;
        var app = new RunningApp(IdGenerator.New("ap"), name, state, environment, artifactDir, request.AssemblyFile, request.ManifestJson, now)
        {
            Workspace = workspace ?? Auth.PlatformServices.DefaultWorkspace,
            BoundSecrets = [.. request.Secrets],
        };
        var functions = manifest.Functions.Select(f => new FunctionRuntime(IdGenerator.New("fu"), app, f, _options)).ToList();
        ValidateWebHosts(app, functions);

        await _store.SaveAppAsync(new StoredApp
        {
            AppId = app.AppId,
            Name = app.Name,
            State = state,
            Environment = environment,
            ArtifactDir = artifactDir,
            AssemblyFile = request.AssemblyFile,
            ManifestJson = request.ManifestJson,
            CreatedAtMs = now,
        }, cancellationToken).ConfigureAwait(false);
        foreach (var function in functions)
        {
            await _store.SaveFunctionAsync(new StoredFunction
            {
                FunctionId = function.FunctionId,
                AppId = app.AppId,
                Name = function.Name,
                ManifestJson = function.ManifestJson,
            }, cancellationToken).ConfigureAwait(false);
        }

        var response = new AppCreateResponse { AppId = app.AppId };
        var effects = new SchedulingEffects();
        foreach (var function in functions)
        {
            app.Functions[function.Name] = function;
            _functions[function.FunctionId] = function;
            response.FunctionIds[function.Name] = function.FunctionId;
            if (WebUrl(function) is { } url)
            {
                response.WebUrls[function.Name] = url;
            }
        }

        _apps[app.AppId] = app;
        Interlocked.Increment(ref _routesVersion);
        foreach (var function in functions)
        {
            function.Scale(now, effects);
        }

        await ApplyAsync(effects).ConfigureAwait(false);
        _logger.LogInformation("Created app {App} ({AppId}) with {Functions} function(s)", app.Name, app.AppId, functions.Count);
        return response;
    }

    public async Task<FunctionCreateResponse> CreateFunctionAsync(FunctionCreateRequest request, CancellationToken cancellationToken)
    {
        var app = GetApp(request.AppId);
        if (app.IsStopped)
        {
            throw new NotFoundError($"App '{app.Name}' ({app.AppId}) is stopped; functions can only be added to a running app.");
        }

        FunctionManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<FunctionManifest>(request.FunctionManifestJson, AppManifest.JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidError($"The function manifest is not valid JSON ({ex.Message}). Send one entry of the functions list of {AppManifest.FileName}.", ex);
        }

        if (manifest is null)
        {
            throw new InvalidError($"The function manifest is empty. Send one entry of the functions list of {AppManifest.FileName}.");
        }

        ManifestValidator.Validate([manifest]);
        _backend.Validate(app.Name, Auth.PlatformSettings.ForBackend([manifest], _options.ServerMode is not null));
        _options.ContainerEnvironment?.Validate(app.Name, [manifest], app.BoundSecrets);
        await _gpus.ValidateAsync([manifest], cancellationToken).ConfigureAwait(false);
        await _backend.PrepareAsync(app.Name, app.ArtifactDir, app.AssemblyFile, [manifest], cancellationToken).ConfigureAwait(false);
        var function = new FunctionRuntime(IdGenerator.New("fu"), app, manifest, _options);
        ValidateWebHosts(app, [.. app.Functions.Values, function]);
        if (!app.Functions.TryAdd(manifest.Name, function))
        {
            throw new InvalidError($"App '{app.Name}' already has a function named '{manifest.Name}'; function names are unique within an app.");
        }

        _functions[function.FunctionId] = function;
        await _store.SaveFunctionAsync(new StoredFunction
        {
            FunctionId = function.FunctionId,
            AppId = app.AppId,
            Name = function.Name,
            ManifestJson = function.ManifestJson,
        }, cancellationToken).ConfigureAwait(false);

        Interlocked.Increment(ref _routesVersion);
        var effects = new SchedulingEffects();
        function.Scale(NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
        return new FunctionCreateResponse { FunctionId = function.FunctionId, WebUrl = WebUrl(function) ?? "" };
    }

    // workspace: the caller's, in server mode (two workspaces may each run an app of the same name); null when embedded.
    public FunctionGetResponse GetFunction(FunctionGetRequest request, string? workspace = null)
    {
        var environment = string.IsNullOrWhiteSpace(request.Environment) ? _options.Environment : request.Environment;
        var app = _apps.Values
            .Where(a => !a.IsStopped && a.Name == request.AppName && a.Environment == environment && (workspace is null || a.Workspace == workspace))
            .OrderByDescending(a => a.State == AppState.Deployed)
            .ThenByDescending(a => a.CreatedAtMs)
            .FirstOrDefault()
            ?? throw new NotFoundError(
                $"No running app named '{request.AppName}' in environment '{environment}'. Deploy the app (or run it) before looking up its functions.");
        if (!app.Functions.TryGetValue(request.FunctionName, out var function))
        {
            throw new NotFoundError(
                $"App '{app.Name}' has no function named '{request.FunctionName}'. Its functions are: {string.Join(", ", app.Functions.Keys.Order(StringComparer.Ordinal))}.");
        }

        return new FunctionGetResponse { FunctionId = function.FunctionId, AppId = app.AppId, FunctionManifestJson = function.ManifestJson, WebUrl = WebUrl(function) ?? "" };
    }

    public void AppHeartbeat(string appId) => GetApp(appId).Heartbeat(NowMs);

    public Task StopAppAsync(string appId) =>
        StopAppAsync(GetApp(appId), null);

    // ---------------------------------------------------------------------------------------------------------------
    // Calls.
    // ---------------------------------------------------------------------------------------------------------------

    // callId: the id the call gets (null draws one). The schedule runner records it before the call starts, so after a
    // crash it can tell whether the call was stored.
    public async Task<FunctionMapResponse> MapAsync(FunctionMapRequest request, CancellationToken cancellationToken, string? callId = null)
    {
        var function = GetFunctionById(request.FunctionId);
        var invocation = request.InvocationType == FunctionCallInvocationType.Async
            ? FunctionCallInvocationType.Async
            : FunctionCallInvocationType.Sync;
        var callType = request.CallType == FunctionCallType.Unspecified ? FunctionCallType.Map : request.CallType;
        ValidateCallShape(function, request, invocation, callType);
        var call = new FunctionCallState(callId ?? IdGenerator.New("fc"), function, callType, invocation, NowMs, request.MethodName);
        var response = new FunctionMapResponse { FunctionCallId = call.CallId };
        await AddInputsAsync(call, request.PipelinedInputs, request.InputsComplete, newCall: true, response.InputIds, cancellationToken).ConfigureAwait(false);
        return response;
    }

    public async Task<FunctionPutInputsResponse> PutInputsAsync(FunctionPutInputsRequest request, CancellationToken cancellationToken)
    {
        if (!_calls.TryGetValue(request.FunctionCallId, out var call) || !call.IsLive || call.IsComplete)
        {
            var stored = IsCallId(request.FunctionCallId) ? await _store.GetCallAsync(request.FunctionCallId, cancellationToken).ConfigureAwait(false) : null;
            if (stored is not null || call is not null)
            {
                throw new InvalidError($"Function call {request.FunctionCallId} is complete and takes no more inputs; start a new call for more inputs.");
            }

            throw CallNotFound(request.FunctionCallId);
        }

        var response = new FunctionPutInputsResponse();
        await AddInputsAsync(call, request.Inputs, request.InputsComplete, newCall: false, response.InputIds, cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// The call to stream outputs from: the live call, or a snapshot of a stored spawned call holding its outputs after
    /// <paramref name="afterEntryId"/>. Expired results raise <see cref="OutputExpiredError"/>.
    /// </summary>
    public async Task<FunctionCallState> OpenCallForReadAsync(string callId, long afterEntryId, CancellationToken cancellationToken)
    {
        if (_calls.TryGetValue(callId, out var live))
        {
            return live;
        }

        var stored = await GetStoredCallAsync(callId, cancellationToken).ConfigureAwait(false);
        var outputs = await _store.GetOutputsAsync(callId, afterEntryId, cancellationToken).ConfigureAwait(false);
        return FunctionCallState.FromStore(stored, outputs, afterEntryId);
    }

    public async Task<FunctionCallGetInfoResponse> GetCallInfoAsync(string callId, CancellationToken cancellationToken)
    {
        if (_calls.TryGetValue(callId, out var live))
        {
            return new FunctionCallGetInfoResponse
            {
                FunctionCallId = live.CallId,
                FunctionId = live.FunctionId,
                InvocationType = live.InvocationType,
                NumInputs = live.NumInputs,
                NumCompleted = live.NumCompleted,
                CompletedAtMs = live.CompletedAtMs ?? 0,
            };
        }

        var stored = await GetStoredCallAsync(callId, cancellationToken).ConfigureAwait(false);
        return new FunctionCallGetInfoResponse
        {
            FunctionCallId = stored.CallId,
            FunctionId = stored.FunctionId,
            InvocationType = stored.InvocationType,
            NumInputs = stored.NumInputs,
            NumCompleted = stored.NumCompleted,
            CompletedAtMs = stored.CompletedAtMs ?? 0,
        };
    }

    public async Task CancelCallAsync(string callId, bool terminateContainers, CancellationToken cancellationToken)
    {
        if (!_calls.TryGetValue(callId, out var call) || !call.IsLive)
        {
            // A stored call that is not live is complete: there is nothing left to cancel.
            await GetStoredCallAsync(callId, cancellationToken, checkExpiry: false).ConfigureAwait(false);
            return;
        }

        call.MarkCancelled();
        call.Generator?.Stop();
        var effects = new SchedulingEffects();
        call.Function!.Cancel(call.SnapshotInputs(), terminateContainers, NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
        // No more inputs can come, so the call completes once every input has its (cancelled) output.
        await CloseCallInputsAsync(call).ConfigureAwait(false);
    }

    /// <summary>
    /// The pool of a [Cls] class for one set of parameter values (Modal's <c>Cls.from_name(...)(**params)</c>): the same
    /// bytes always give the same pool, and distinct ones distinct pools, each with its own containers.
    /// </summary>
    public async Task<FunctionBindParamsResponse> BindParamsAsync(FunctionBindParamsRequest request)
    {
        var template = GetFunctionById(request.FunctionId);
        if (!template.IsClassTemplate)
        {
            throw new InvalidError(
                $"'{template.Name}' ({template.FunctionId}) is not a [Cls] class, so it has no parameters to bind; call the function directly.");
        }

        var pool = template.Bind(request.SerializedParams.ToByteArray());
        if (_functions.TryAdd(pool.FunctionId, pool))
        {
            var effects = new SchedulingEffects();
            pool.Scale(NowMs, effects);
            await ApplyAsync(effects).ConfigureAwait(false);
            _logger.LogDebug("Bound a pool {FunctionId} of class {Class} ({Bytes} bytes of parameters)", pool.FunctionId, template.Name, request.SerializedParams.Length);
        }

        return new FunctionBindParamsResponse { BoundFunctionId = pool.FunctionId };
    }

    /// <summary>
    /// Items of a generator call after <c>next_index</c>, waiting up to <paramref name="maxWait"/> for one; asking for
    /// <c>next_index</c> releases the items before it, which lets the container produce more.
    /// </summary>
    public async Task<FunctionGetGeneratorItemsResponse> GetGeneratorItemsAsync(FunctionGetGeneratorItemsRequest request, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (!_calls.TryGetValue(request.FunctionCallId, out var call) || !call.IsLive)
        {
            throw CallNotFound(request.FunctionCallId);
        }

        if (call.Generator is not { } generator)
        {
            throw new InvalidError($"Function call {call.CallId} is not a call of a generator function; read its outputs with FunctionGetOutputs.");
        }

        var (items, done) = await generator.TakeAsync(request.NextIndex, maxWait, cancellationToken).ConfigureAwait(false);
        var response = new FunctionGetGeneratorItemsResponse { Done = done };
        response.Items.AddRange(items);
        return response;
    }

    /// <summary>
    /// Takes items a container's generator input yielded. Answers once they fit the call's window, so the container
    /// waits while the caller is behind. Returns stop when the caller is gone and the generator should end.
    /// </summary>
    public async Task<ContainerPutGeneratorItemsResponse> PutGeneratorItemsAsync(ContainerTask container, ContainerPutGeneratorItemsRequest request, CancellationToken cancellationToken)
    {
        var input = container.Function.AssignedInput(container, request.InputId, request.RetryCount);
        if (input?.Call.Generator is not { } generator)
        {
            // Not (or no longer) this container's input: cancelled, or its container was replaced. Stop producing.
            return new ContainerPutGeneratorItemsResponse { Stop = true };
        }

        var accepted = await generator.PutAsync(request.Items, cancellationToken).ConfigureAwait(false);
        return new ContainerPutGeneratorItemsResponse { Stop = !accepted };
    }

    /// <summary>Frees the outputs a reader has seen, when it asked for that (clear_on_success) on a synchronous call.</summary>
    public static void ReleaseDelivered(FunctionCallState call, long cursor)
    {
        if (call.IsLive && !call.IsAsync)
        {
            call.ReleaseOutputs(cursor);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Containers.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Finds the container a call comes from by its task id and checks its token.</summary>
    public ContainerTask Authenticate(string? taskId, string? token)
    {
        if (string.IsNullOrEmpty(taskId) || string.IsNullOrEmpty(token))
        {
            throw new AuthError(
                "Container calls must carry the x-modal-task-id and x-modal-task-token metadata, with the values the control plane " +
                "gave the container in MODAL_TASK_ID and MODAL_TASK_TOKEN.");
        }

        if (!_containers.TryGetValue(taskId, out var container) ||
            !CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(container.Token.AsSpan()), MemoryMarshal.AsBytes(token.AsSpan())))
        {
            throw new AuthError($"Task {taskId} is not a live container of this control plane, or its token is wrong; the container must exit.");
        }

        container.Seen(NowMs);
        return container;
    }

    public ContainerHelloResponse Hello(ContainerTask container, ContainerHelloRequest request)
    {
        var function = container.Function;
        function.Hello(container, request.Pid, NowMs);
        _logger.LogDebug("Container {TaskId} of {Function} said hello (pid {Pid})", container.TaskId, function.Name, request.Pid);
        return new ContainerHelloResponse
        {
            AppId = function.App.AppId,
            FunctionId = function.FunctionId,
            FunctionName = function.Name,
            EntryKey = function.Manifest.EntryKey,
            FunctionManifestJson = function.ManifestJson,
            ArtifactDir = function.App.ArtifactDir,
            AssemblyFile = function.App.AssemblyFile,
            MaxConcurrentInputs = function.MaxConcurrentInputs,
            MaxInputs = function.MaxInputsPerContainer,
            ClassParameters = function.ClassParameters is { } parameters ? ByteString.CopyFrom(parameters) : ByteString.Empty,
        };
    }

    public System.Threading.Channels.Channel<ContainerGetInputsResponse> OpenInputStream(ContainerTask container) =>
        container.Function.OpenStream(container, NowMs);

    public async Task AddCreditsAsync(ContainerTask container, int credits)
    {
        var effects = new SchedulingEffects();
        container.Function.AddCredits(container, credits, NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
    }

    public async Task CloseInputStreamAsync(ContainerTask container, bool broken)
    {
        if (broken && !container.ShutdownRequested && _backend.ExitReasonGrace > TimeSpan.Zero)
        {
            // A stream usually breaks because its container died. The backend reports why (an exit code, an OOM kill at
            // the memory limit) moments later, and that, not "the stream broke", is what the caller should read.
            var deadline = Environment.TickCount64 + (long)_backend.ExitReasonGrace.TotalMilliseconds;
            while (_containers.ContainsKey(container.TaskId) && Environment.TickCount64 < deadline)
            {
                await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
            }
        }

        var effects = new SchedulingEffects();
        container.Function.CloseStream(container, broken, NowMs, effects);
        if (broken)
        {
            _logger.LogInformation("Input stream of container {TaskId} ({Function}) broke", container.TaskId, container.Function.Name);
        }

        await ApplyAsync(effects).ConfigureAwait(false);
    }

    public async Task PutOutputsAsync(ContainerTask container, ContainerPutOutputsRequest request)
    {
        var effects = new SchedulingEffects();
        container.Function.CompleteOutputs(container, request.Outputs, NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
    }

    public ContainerHeartbeatResponse Heartbeat(ContainerTask container)
    {
        var (cancels, shutdown) = container.Function.Heartbeat(container, NowMs);
        var response = new ContainerHeartbeatResponse { Shutdown = shutdown };
        if (cancels is not null)
        {
            response.CancelInputIds.AddRange(cancels);
        }

        return response;
    }

    /// <summary>
    /// Writes a container's forwarded output line by line to <paramref name="stdout"/> or <paramref name="stderr"/>
    /// (fd 2), prefixed as the worker prefixes its own lines: <c>[function input-id] </c>, or <c>[function] </c>.
    /// </summary>
    public static void WriteContainerLog(ContainerTask container, ContainerLogRequest request, TextWriter stdout, TextWriter stderr)
    {
        var prefix = string.IsNullOrEmpty(request.InputId) ? $"[{container.Function.Name}] " : $"[{container.Function.Name} {request.InputId}] ";
        var target = request.Fd == 2 ? stderr : stdout;
        var data = request.Data.EndsWith('\n') ? request.Data[..^1] : request.Data;
        foreach (var line in data.Split('\n'))
        {
            target.WriteLine(prefix + line.TrimEnd('\r'));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Web endpoints: the gateway's side of the scheduler.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>The container's HTTP server accepts connections on host:port; gateway requests may now go to it.</summary>
    public void WebReady(ContainerTask container, ContainerWebReadyRequest request)
    {
        var host = request.Host.Trim();
        if (host is not ("127.0.0.1" or "::1" or "[::1]" or "localhost"))
        {
            throw new InvalidError(
                $"ContainerWebReady from {container.TaskId} names host '{request.Host}'; the gateway only forwards to loopback " +
                "(127.0.0.1, ::1 or localhost), where containers' HTTP servers listen with host networking.");
        }

        if (request.Port is < 1 or > 65535)
        {
            throw new InvalidError($"ContainerWebReady from {container.TaskId} names port {request.Port}; a port is 1 to 65535.");
        }

        var socket = request.UnixSocketPath;
        if (socket.Length > 0 && !Gateway.WebFrameSocketPath.IsPathOf(socket, container.TaskId))
        {
            throw new InvalidError(
                $"ContainerWebReady from {container.TaskId} names Unix socket '{socket}'; the gateway only connects to " +
                $"'{Gateway.WebFrameSocketPath.PathFor("/absolute/dir", container.TaskId)}' for this task (any absolute directory). " +
                "Leave unix_socket_path empty to be reached over TCP only.");
        }

        // A container with a file system of its own (Docker) names a path this machine does not have: it stays on TCP.
        var unixSocket = socket.Length > 0 && File.Exists(socket) ? socket : null;
        var address = new Uri($"http://{(host is "::1" ? "[::1]" : host)}:{request.Port}/");
        container.Function.WebReady(container, address, unixSocket, NowMs);
        _logger.LogDebug("Container {TaskId} of {Function} serves HTTP at {Address} (Unix socket {Socket})", container.TaskId, container.Function.Name, address, unixSocket ?? "none");
    }

    /// <summary>
    /// A slot for one gateway request on a ready container of <paramref name="function"/>: at once when one is free, or
    /// after queueing (a cold start included) for at most <paramref name="wait"/>. Throws <see cref="TimeoutException"/>
    /// past that, and <see cref="WebUnavailableException"/> when the function stopped or cannot start containers.
    /// </summary>
    public async Task<WebLease> AcquireWebAsync(FunctionRuntime function, TimeSpan wait, CancellationToken cancellationToken)
    {
        var effects = new SchedulingEffects();
        var waiter = function.RequestWeb(NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
        ContainerTask container;
        try
        {
            container = await waiter.Assigned.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            if (!function.AbandonWeb(waiter) && waiter.Assigned.IsCompletedSuccessfully)
            {
                // Assigned in the same moment the wait ended: the slot must not leak.
                await ReleaseWebAsync(waiter.Assigned.Result).ConfigureAwait(false);
            }

            throw;
        }

        return new WebLease(container, container.WebAddress!, container.WebUnixSocket, lease => new ValueTask(ReleaseWebAsync(lease.Container)));
    }

    /// <summary>Starts a container of <paramref name="function"/> before requests need it (a redeploy's new version).</summary>
    public async Task WarmWebAsync(FunctionRuntime function)
    {
        var effects = new SchedulingEffects();
        function.WarmWeb(NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
    }

    /// <summary>Whether gateway requests of the app are queued or running (a redeploy stops the old version only after them).</summary>
    internal bool HasWebWork(string appId) =>
        _apps.TryGetValue(appId, out var app) && app.Functions.Values.Any(f => f.HasWebWork);

    /// <summary>The subdomain that routes to <paramref name="function"/>, or null when it is not served over HTTP.</summary>
    internal string? WebSubdomain(FunctionRuntime function) =>
        function.Manifest.Web is { } web && !function.IsClassTemplate && function.Template is null
            ? Gateway.WebHostNames.Subdomain(
                function.App.Workspace, function.App.Environment, _options.Environment, function.App.Name, function.Name, web.Label,
                ephemeral: function.App.State != AppState.Deployed)
            : null;

    internal string? WebUrl(FunctionRuntime function) =>
        WebSubdomain(function) is { } subdomain ? Gateway.WebHostNames.Url(subdomain, WebPort) : null;

    private async Task ReleaseWebAsync(ContainerTask container)
    {
        var effects = new SchedulingEffects();
        container.Function.ReleaseWeb(container, NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
    }

    /// <summary>
    /// Two endpoints of one app cannot share a URL, and a deployed app cannot take the URL of another deployed app of its
    /// workspace (a redeploy of the same name replaces its own). Ephemeral apps take a URL over, as the reference says.
    /// </summary>
    private void ValidateWebHosts(RunningApp app, IReadOnlyList<FunctionRuntime> functions)
    {
        var mine = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var function in functions)
        {
            if (WebSubdomain(function) is not { } subdomain)
            {
                continue;
            }

            if (function.Manifest.BlockNetwork == true)
            {
                throw new InvalidError(
                    $"Web function '{function.Name}' of app '{app.Name}' sets BlockNetwork, which leaves its container no network the gateway " +
                    "could forward requests over. Remove BlockNetwork, or serve the endpoint from another function that calls this one.");
            }

            if (!mine.TryAdd(subdomain, function.Name))
            {
                throw new InvalidError(
                    $"Web functions '{mine[subdomain]}' and '{function.Name}' of app '{app.Name}' would both be served at {subdomain}; " +
                    "give one of them a different Label.");
            }

            if (app.State != AppState.Deployed)
            {
                continue;
            }

            foreach (var other in _apps.Values)
            {
                if (other.IsStopped || other.State != AppState.Deployed || other.Name == app.Name)
                {
                    continue;
                }

                foreach (var taken in other.Functions.Values)
                {
                    if (WebSubdomain(taken) == subdomain)
                    {
                        throw new InvalidError(
                            $"Web function '{function.Name}' of app '{app.Name}' would be served at {subdomain}, which deployed app " +
                            $"'{other.Name}' already serves with its function '{taken.Name}'. Choose another Label, or stop '{other.Name}' first.");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Claims the node's port for a [WebServer] container; false (and the container is queued) when another live
    /// container holds it. Host networking gives every container the node's ports, so two cannot bind the same one.
    /// </summary>
    private bool TryClaimPort(ContainerTask container, int port)
    {
        lock (_portGate)
        {
            if (_portHolders.TryGetValue(port, out var holder) && holder != container)
            {
                if (!_portWaiters.TryGetValue(port, out var waiting))
                {
                    _portWaiters[port] = waiting = new Queue<ContainerTask>();
                }

                container.AwaitingPort = true;
                waiting.Enqueue(container);
                _logger.LogInformation(
                    "Container {TaskId} of {Function} waits for port {Port}, which container {Holder} of {HolderFunction} holds: a [WebServer] port " +
                    "serves one container per node", container.TaskId, container.Function.Name, port, holder.TaskId, holder.Function.Name);
                return false;
            }

            _portHolders[port] = container;
            container.AwaitingPort = false;
            return true;
        }
    }

    /// <summary>Frees the port a gone container held and returns the next live container waiting for it.</summary>
    private ContainerTask? ReleasePort(string taskId)
    {
        lock (_portGate)
        {
            foreach (var (port, holder) in _portHolders)
            {
                if (holder.TaskId != taskId)
                {
                    continue;
                }

                _portHolders.Remove(port);
                if (_portWaiters.TryGetValue(port, out var waiting))
                {
                    while (waiting.TryDequeue(out var next))
                    {
                        if (_containers.ContainsKey(next.TaskId) && !next.ShutdownRequested)
                        {
                            _portHolders[port] = next;
                            next.AwaitingPort = false;
                            return next;
                        }
                    }
                }

                return null;
            }

            return null;
        }
    }

    /// <summary>Takes a container that never started out of its port's queue; false when it was not waiting.</summary>
    private bool ForgetPortWaiter(ContainerTask container)
    {
        lock (_portGate)
        {
            if (!container.AwaitingPort)
            {
                return false;
            }

            foreach (var waiting in _portWaiters.Values)
            {
                var kept = waiting.Where(c => c != container).ToList();
                if (kept.Count != waiting.Count)
                {
                    waiting.Clear();
                    kept.ForEach(waiting.Enqueue);
                }
            }

            container.AwaitingPort = false;
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Maintenance.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// One maintenance pass: container liveness and scale-down every call; input deadlines, app heartbeats and the
    /// release of old synchronous calls at most once a second; purging expired results once an hour.
    /// </summary>
    public async Task RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        await _maintenanceGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = NowMs;
            var slow = now - _lastSlowPassMs >= (long)SlowPassInterval.TotalMilliseconds;
            if (slow)
            {
                _lastSlowPassMs = now;
            }

            var effects = new SchedulingEffects();
            foreach (var function in _functions.Values)
            {
                if (!function.App.IsStopped)
                {
                    function.Maintain(now, slow, effects);
                }
            }

            // A container that was busy when another one began waiting for its GPUs may be idle now.
            ReclaimGpus(now, effects);
            await ApplyAsync(effects).ConfigureAwait(false);
            if (slow)
            {
                var appTimeoutMs = (long)_options.AppHeartbeatTimeout.TotalMilliseconds;
                foreach (var app in _apps.Values)
                {
                    if (app.State == AppState.Ephemeral && now - app.LastHeartbeatMs > appTimeoutMs)
                    {
                        _logger.LogInformation("Stopping app {App} ({AppId}): its client stopped heartbeating", app.Name, app.AppId);
                        await StopAppAsync(app,
                            $"The app '{app.Name}' ({app.AppId}) was stopped because its client sent no heartbeat for " +
                            $"{_options.AppHeartbeatTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (the client exited or lost its connection). " +
                            "Run the app again.").ConfigureAwait(false);
                    }
                    else if (app.State == AppState.Detached && now - app.LastHeartbeatMs > appTimeoutMs && !HasUnfinishedCalls(app.AppId))
                    {
                        // Detached (`modal run --detach`): the client leaving does not stop the app; running out of work does.
                        _logger.LogInformation("Stopping detached app {App} ({AppId}): its client is gone and its calls have finished", app.Name, app.AppId);
                        await StopAppAsync(app, $"The detached app '{app.Name}' ({app.AppId}) stopped after its calls finished.").ConfigureAwait(false);
                    }
                }

                var retentionMs = (long)_options.SyncCallRetention.TotalMilliseconds;
                while (_completedSyncCalls.TryPeek(out var call) && now - (call.CompletedAtMs ?? now) >= retentionMs)
                {
                    _completedSyncCalls.TryDequeue(out _);
                    _calls.TryRemove(new KeyValuePair<string, FunctionCallState>(call.CallId, call));
                }
            }

            if (now - _lastPurgeMs >= (long)PurgeInterval.TotalMilliseconds)
            {
                _lastPurgeMs = now;
                var purged = await _store.PurgeExpiredAsync(now - ResultRetentionMs, cancellationToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    _logger.LogInformation("Purged the results of {Calls} call(s) older than {Days} days", purged, ModalLimits.ResultRetentionDays);
                }
            }
        }
        finally
        {
            _maintenanceGate.Release();
        }
    }

    /// <summary>Stops the tick and every container; pending streams end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Quietly(_maintenanceLoop).ConfigureAwait(false);
        await Quietly(_exitLoop).ConfigureAwait(false);
        var stops = _functions.Values.SelectMany(f => f.Containers()).Select(c => c.TaskId)
            .Concat(_containers.Keys)
            .Distinct(StringComparer.Ordinal)
            .Select(id => Quietly(_backend.StopAsync(id, CancellationToken.None)));
        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    internal FunctionRuntime GetFunctionById(string functionId)
    {
        if (!_functions.TryGetValue(functionId, out var function))
        {
            throw new NotFoundError($"Function {functionId} does not exist on this control plane. Look functions up by name (FunctionGet) or run the app again.");
        }

        return function;
    }

    /// <summary>update_autoscaler: changes the function's scaling now; a redeploy creates new functions from the manifest.</summary>
    internal async Task UpdateAutoscalerAsync(FunctionUpdateAutoscalerRequest request)
    {
        var function = GetFunctionById(request.FunctionId);
        var current = function.Autoscaler;
        var updated = current with
        {
            MinContainers = request.HasMinContainers ? request.MinContainers : current.MinContainers,
            MaxContainers = request.HasMaxContainers ? request.MaxContainers : current.MaxContainers,
            BufferContainers = request.HasBufferContainers ? request.BufferContainers : current.BufferContainers,
            ScaledownWindow = request.HasScaledownWindowSeconds ? TimeSpan.FromSeconds(request.ScaledownWindowSeconds) : current.ScaledownWindow,
        };
        if (SettingRules.Autoscaler(updated.MinContainers, updated.MaxContainers, updated.BufferContainers, (int)updated.ScaledownWindow.TotalSeconds,
                function.Manifest.Cluster?.Size) is { } violation)
        {
            throw new InvalidError($"update_autoscaler for '{function.Name}': {violation.Message}");
        }

        var effects = new SchedulingEffects();
        function.UpdateAutoscaler(updated, NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
    }

    /// <summary>Every app this control plane knows, stopped ones included (server mode lists and scopes them).</summary>
    internal IEnumerable<RunningApp> Apps => _apps.Values;

    internal bool TryGetContainer(string taskId, out ContainerTask container) => _containers.TryGetValue(taskId, out container!);

    /// <summary>Whether any call of the app still waits for outputs (a redeploy stops the old version only after that).</summary>
    internal bool HasUnfinishedCalls(string appId) => _calls.Values.Any(c => c.Function?.App.AppId == appId && !c.IsComplete);

    internal bool TryGetCall(string callId, out FunctionCallState call) => _calls.TryGetValue(callId, out call!);

    // ---------------------------------------------------------------------------------------------------------------
    // Internals.
    // ---------------------------------------------------------------------------------------------------------------

    private RunningApp GetApp(string appId) =>
        _apps.TryGetValue(appId, out var app)
            ? app
            : throw new NotFoundError($"App {appId} does not exist on this control plane. Run or deploy the app to get an app id.");

    private async Task AddInputsAsync(
        FunctionCallState call,
        IReadOnlyList<FunctionInput> inputs,
        bool inputsComplete,
        bool newCall,
        ICollection<string> inputIds,
        CancellationToken cancellationToken)
    {
        ValidatePayloads(call, inputs);
        var function = call.Function!;
        var records = new List<InputRecord>(inputs.Count);
        foreach (var input in inputs)
        {
            var record = new InputRecord(IdGenerator.New("in"), call, input.Idx, input.Args);
            records.Add(record);
            inputIds.Add(record.InputId);
        }

        var effects = new SchedulingEffects();
        var gate = call.PersistGate;
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (!newCall)
            {
                call.EnsureAcceptsInputs();
            }

            function.Reserve(records.Count, call.IsAsync);

            if (newCall)
            {
                _calls[call.CallId] = call;
            }

            if (call.IsAsync)
            {
                try
                {
                    var stored = records.Select(r => new StoredInput { InputId = r.InputId, CallId = call.CallId, Idx = r.Idx, Args = r.Args.ToByteArray() }).ToList();
                    await _store.SaveInputsAsync(call.ToStored(records.Count, inputsComplete || call.InputsComplete), stored, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    function.Unreserve(records.Count, spawned: true);
                    if (newCall)
                    {
                        _calls.TryRemove(call.CallId, out _);
                    }

                    throw;
                }
            }

            var now = NowMs;
            var completedNow = call.AddInputs(records, inputsComplete, now);
            if (records.Count > 0)
            {
                function.EnqueueReserved(records, now, effects);
            }

            if (completedNow)
            {
                await OnCallCompletedAsync(call, persist: true).ConfigureAwait(false);
            }
        }
        finally
        {
            gate?.Release();
        }

        await ApplyAsync(effects).ConfigureAwait(false);
    }

    private static void ValidateCallShape(FunctionRuntime function, FunctionMapRequest request, FunctionCallInvocationType invocation, FunctionCallType callType)
    {
        if (function.Manifest.IsGenerator && (invocation == FunctionCallInvocationType.Async || callType != FunctionCallType.Unary))
        {
            throw new InvalidError(
                $"'{function.Name}' is a generator function: call it with RemoteGenAsync, which streams its items as they are produced. " +
                "Generators cannot be spawned or mapped.");
        }

        if (function.IsClassTemplate)
        {
            throw new InvalidError(
                $"'{function.Name}' is a [Cls] class: bind its parameters first (FunctionBindParams, which the class's generated handle calls) " +
                "and call a method of the pool it returns.");
        }

        if (function.Template is not null && string.IsNullOrEmpty(request.MethodName))
        {
            throw new InvalidError($"Calls to a pool of class '{function.Name}' must name the [Method] to run (method_name).");
        }

        if (function.Template is null && !string.IsNullOrEmpty(request.MethodName))
        {
            throw new InvalidError($"'{function.Name}' is a function, not a pool of a [Cls] class; call it without a method_name.");
        }
    }

    private void ValidatePayloads(FunctionCallState call, IReadOnlyList<FunctionInput> inputs)
    {
        foreach (var input in inputs)
        {
            switch (input.Args?.DataCase)
            {
                case Payload.DataOneofCase.Inline when input.Args.Inline.Length > ModalLimits.MaxInlinePayloadBytes:
                    throw new InvalidError(
                        $"Input {input.Idx} of function '{call.Function!.Name}' carries {input.Args.Inline.Length:N0} bytes inline; payloads over " +
                        $"{ModalLimits.MaxInlinePayloadBytes:N0} bytes must be uploaded with BlobPut and sent as a blob id.");
                case Payload.DataOneofCase.Inline:
                    break;
                case Payload.DataOneofCase.BlobId when !Blobs.Exists(input.Args.BlobId):
                    throw new NotFoundError($"Input {input.Idx} refers to blob '{input.Args.BlobId}', which this control plane does not have. Upload it with BlobPut first.");
                case Payload.DataOneofCase.BlobId:
                    break;
                default:
                    throw new InvalidError($"Input {input.Idx} of function '{call.Function!.Name}' has no arguments payload; send the serialized arguments inline or as a blob id.");
            }
        }
    }

    private async Task CloseCallInputsAsync(FunctionCallState call)
    {
        var gate = call.PersistGate;
        if (gate is not null)
        {
            await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        try
        {
            if (call.CloseInputs(NowMs))
            {
                await OnCallCompletedAsync(call, persist: true).ConfigureAwait(false);
            }
            else if (call.IsAsync)
            {
                await _store.SaveOutputsAsync(call.ToStored(), [], CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            gate?.Release();
        }
    }

    /// <summary>Called with the call's persist gate held (spawned calls).</summary>
    private async Task OnCallCompletedAsync(FunctionCallState call, bool persist)
    {
        if (call.IsAsync)
        {
            if (persist)
            {
                await _store.SaveOutputsAsync(call.ToStored(), [], CancellationToken.None).ConfigureAwait(false);
            }

            // Stored now: later readers get it from the store, so memory holds only running spawned calls.
            _calls.TryRemove(new KeyValuePair<string, FunctionCallState>(call.CallId, call));
        }
        else
        {
            _completedSyncCalls.Enqueue(call);
        }
    }

    private async Task ApplyAsync(SchedulingEffects effects)
    {
        if (effects.IsEmpty)
        {
            return;
        }

        if (effects.Finals is { } finals)
        {
            await SettleAsync(finals).ConfigureAwait(false);
        }

        // Stops are asked for before replacements start, so a dead container's process is already on its way out.
        if (effects.Stop is { } stop)
        {
            foreach (var container in stop)
            {
                if (container.Phase == ContainerPhase.Exited)
                {
                    _containers.TryRemove(new KeyValuePair<string, ContainerTask>(container.TaskId, container));
                }

                _ = StopContainerAsync(container);
            }
        }

        if (effects.Retries is { } retries)
        {
            foreach (var (input, delay) in retries)
            {
                _ = RetryLaterAsync(input, delay);
            }
        }

        if (effects.Wakes is { } wakes)
        {
            foreach (var (function, dueMs) in wakes)
            {
                _ = WakeLaterAsync(function, dueMs);
            }
        }

        if (effects.Start is { } start)
        {
            foreach (var container in start)
            {
                await StartContainerAsync(container).ConfigureAwait(false);
            }
        }
    }

    private async Task WakeLaterAsync(FunctionRuntime function, long dueMs)
    {
        try
        {
            var delay = dueMs - NowMs;
            if (delay > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(delay), _time, _stopping.Token).ConfigureAwait(false);
            }

            var effects = new SchedulingEffects();
            function.Wake(Math.Max(NowMs, dueMs), effects);
            await ApplyAsync(effects).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Dispatching the waiting batch of {Function} failed", function.Name);
        }
    }

    /// <summary>Delivers final outputs: spawned calls persist them first, in one transaction per call.</summary>
    private async Task SettleAsync(List<(InputRecord Input, FunctionResult Result)> finals)
    {
        var byCall = new List<(FunctionCallState Call, List<FunctionOutput> Outputs)>();
        foreach (var (input, result) in finals)
        {
            var output = new FunctionOutput { InputId = input.InputId, Idx = input.Idx, RetryCount = input.RetryCount, Result = result };
            var index = byCall.FindIndex(g => ReferenceEquals(g.Call, input.Call));
            if (index < 0)
            {
                byCall.Add((input.Call, [output]));
            }
            else
            {
                byCall[index].Outputs.Add(output);
            }
        }

        foreach (var (call, outputs) in byCall)
        {
            if (!call.IsAsync)
            {
                if (call.Append(outputs, NowMs))
                {
                    await OnCallCompletedAsync(call, persist: false).ConfigureAwait(false);
                }

                continue;
            }

            await call.PersistGate!.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                var now = NowMs;
                var (stored, summary) = call.PrepareStore(outputs, now);
                try
                {
                    await _store.SaveOutputsAsync(summary, stored, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // The caller still gets the output live; only a later reader after a restart would miss it.
                    _logger.LogError(ex, "Could not store {Count} output(s) of call {CallId}", outputs.Count, call.CallId);
                }

                if (call.Append(outputs, now))
                {
                    await OnCallCompletedAsync(call, persist: false).ConfigureAwait(false);
                }
            }
            finally
            {
                call.PersistGate.Release();
            }
        }
    }

    private async Task RetryLaterAsync(InputRecord input, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
            }

            var effects = new SchedulingEffects();
            input.Call.Function!.Requeue(input, NowMs, effects);
            await ApplyAsync(effects).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Retrying input {InputId} failed", input.InputId);
        }
    }

    private async Task StartContainerAsync(ContainerTask container, Modal.Gpus.Placement.GpuAllocation? gpus = null)
    {
        var function = container.Function;
        _containers[container.TaskId] = container;
        if (function.WebServerPort is { } port && !TryClaimPort(container, port))
        {
            // Not started: it starts when the container holding the port is gone (OnContainerGoneAsync).
            return;
        }

        if (gpus is null && function.Manifest.Resources?.Gpu is { } gpu)
        {
            Modal.Gpus.Placement.GpuPlacement placement;
            try
            {
                placement = await _gpus.PlaceAsync(container, gpu, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                await OnContainerGoneAsync(container.TaskId, $"its GPUs could not be assigned: {ex.Message}").ConfigureAwait(false);
                return;
            }

            if (placement.Status == Modal.Gpus.Placement.GpuPlacementStatus.Wait)
            {
                // Not started: the placer starts it when a container gives its GPUs back (OnContainerGoneAsync), which
                // an idle container of another function is asked to do now.
                var reclaims = new SchedulingEffects();
                ReclaimGpus(NowMs, reclaims);
                await ApplyAsync(reclaims).ConfigureAwait(false);
                return;
            }

            if (placement.Status == Modal.Gpus.Placement.GpuPlacementStatus.Unsatisfiable)
            {
                await OnContainerGoneAsync(container.TaskId, placement.Reason!).ConfigureAwait(false);
                return;
            }

            gpus = placement.Allocation;
        }

        container.StartedAtMs = NowMs;
        container.AwaitingDevices = false;
        var spec = new ContainerSpec
        {
            TaskId = container.TaskId,
            TaskToken = container.Token,
            AppId = function.App.AppId,
            AppName = function.App.Name,
            FunctionId = function.FunctionId,
            FunctionName = function.Name,
            Environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["MODAL_SERVER_URL"] = ServerUrl.ToString().TrimEnd('/'),
                ["MODAL_TASK_ID"] = container.TaskId,
                ["MODAL_TASK_TOKEN"] = container.Token,
                ["MODAL_IS_REMOTE"] = "1",
                ["MODAL_ENVIRONMENT"] = function.App.Environment,
            },
            Function = function.Manifest,
            ArtifactDir = function.App.ArtifactDir,
            Gpus = gpus,
        };
        try
        {
            if (_options.ContainerEnvironment is { } source)
            {
                // Secrets (and in server mode identity); the platform's own variables above win over a secret's keys.
                var merged = new Dictionary<string, string>(await source.GetEnvironmentAsync(spec, function.App.Environment, function.App.BoundSecrets, _stopping.Token).ConfigureAwait(false), StringComparer.Ordinal);
                foreach (var (name, value) in spec.Environment)
                {
                    merged[name] = value;
                }

                spec = spec with { Environment = merged };
            }

            await _backend.StartAsync(spec, _stopping.Token).ConfigureAwait(false);
            _logger.LogDebug("Starting container {TaskId} for {Function}", container.TaskId, function.Name);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "The {Backend} backend could not start container {TaskId} for {Function}", _backend.Name, container.TaskId, function.Name);
            await OnContainerGoneAsync(container.TaskId, $"the {_backend.Name} backend could not start it: {ex.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops idle containers whose GPUs a waiting container of another function needs (see
    /// <see cref="GpuPlacer.PlanReclaim"/>). Only waiting containers whose function has work queued count: a warm pool
    /// with nothing to do is no reason to stop anyone. The stopped container's exit starts the waiting one.
    /// </summary>
    private void ReclaimGpus(long nowMs, SchedulingEffects effects)
    {
        var claims = _gpus.Waiting;
        if (claims.Count == 0)
        {
            return;
        }

        lock (_reclaimGate)
        {
            claims = [.. _gpus.Waiting.Where(w => !w.Container.ShutdownRequested && w.Container.Function.HasQueuedWork)];
            if (claims.Count == 0)
            {
                return;
            }

            var idle = _functions.Values
                .Where(f => !f.App.IsStopped && f.Manifest.Resources?.Gpu is not null)
                .SelectMany(f => f.ReclaimableContainers())
                .OrderBy(c => c.IdleSinceMs)
                .ToList();
            var plan = _gpus.PlanReclaim(claims, idle, taskId =>
                !_containers.TryGetValue(taskId, out var holder) || holder.ShutdownRequested || holder.Phase == ContainerPhase.Exited);
            foreach (var (container, wait) in plan)
            {
                if (container.Function.TryReclaim(container, wait.Container, effects))
                {
                    _logger.LogInformation(
                        "Stopping idle container {TaskId} of function {Function} (idle for {IdleSeconds:0.#} s) to give its GPUs to container " +
                        "{WaitingTaskId} of function {WaitingFunction}, whose inputs wait for them; it would otherwise hold them for its " +
                        "scale-down window of {WindowSeconds:0.#} s",
                        container.TaskId, container.Function.Name, (nowMs - container.IdleSinceMs) / 1000.0, wait.Container.TaskId,
                        wait.Container.Function.Name, container.Function.Autoscaler.ScaledownWindow.TotalSeconds);
                }
                else
                {
                    _logger.LogDebug(
                        "Container {TaskId} of function {Function} got work, or its function wants it again, before its GPUs could be taken for {WaitingTaskId}; it keeps them",
                        container.TaskId, container.Function.Name, wait.Container.TaskId);
                }
            }
        }
    }

    private async Task StopContainerAsync(ContainerTask container)
    {
        if (ForgetPortWaiter(container))
        {
            await OnContainerGoneAsync(container.TaskId, "it was stopped while waiting for its [WebServer] port").ConfigureAwait(false);
            return;
        }

        if (_gpus.Forget(container.TaskId))
        {
            // It never started: no backend will report its exit, so it ends here.
            await OnContainerGoneAsync(container.TaskId, "it was stopped while waiting for GPUs").ConfigureAwait(false);
            return;
        }

        try
        {
            await _backend.StopAsync(container.TaskId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Stopping container {TaskId} failed", container.TaskId);
        }
    }

    private async Task OnContainerGoneAsync(string taskId, string reason)
    {
        // Before the early return: a container already dropped from the table may still hold devices until it exits.
        if (_gpus.Release(taskId))
        {
            foreach (var (waiting, allocation) in _gpus.PlaceWaiting())
            {
                await StartContainerAsync(waiting, allocation).ConfigureAwait(false);
            }
        }

        // The port is free only once the process holding it is gone, which is when the backend reports the exit.
        if (ReleasePort(taskId) is { } next)
        {
            await StartContainerAsync(next).ConfigureAwait(false);
        }

        if (!_containers.TryRemove(taskId, out var container))
        {
            return;
        }

        var effects = new SchedulingEffects();
        container.Function.Lose(container, reason, NowMs, effects);
        await ApplyAsync(effects).ConfigureAwait(false);
    }

    private async Task StopAppAsync(RunningApp app, string? reason)
    {
        if (!app.TryStop())
        {
            return;
        }

        Interlocked.Increment(ref _routesVersion);
        var message = reason ??
            $"The app '{app.Name}' ({app.AppId}) was stopped before this input finished. Run the app again to call its functions.";
        await _store.SetAppStateAsync(app.AppId, AppState.Stopped, CancellationToken.None).ConfigureAwait(false);
        var effects = new SchedulingEffects();
        foreach (var function in app.Functions.Values.SelectMany(f => f.BoundPools.Values.Prepend(f)))
        {
            function.Stop(message, effects);
        }

        await ApplyAsync(effects).ConfigureAwait(false);
        foreach (var call in _calls.Values)
        {
            if (call.Function?.App == app && !call.IsComplete)
            {
                await CloseCallInputsAsync(call).ConfigureAwait(false);
            }
        }

        _logger.LogInformation("Stopped app {App} ({AppId})", app.Name, app.AppId);
    }

    private async Task<StoredCall> GetStoredCallAsync(string callId, CancellationToken cancellationToken, bool checkExpiry = true)
    {
        var stored = IsCallId(callId) ? await _store.GetCallAsync(callId, cancellationToken).ConfigureAwait(false) : null;
        if (stored is null)
        {
            throw CallNotFound(callId);
        }

        if (checkExpiry && (stored.Expired || (stored.CompletedAtMs is { } completed && NowMs - completed >= ResultRetentionMs)))
        {
            var completedAt = DateTimeOffset.FromUnixTimeMilliseconds(stored.CompletedAtMs ?? 0);
            throw new OutputExpiredError(
                $"The results of function call {callId} have expired: results are kept for {ModalLimits.ResultRetentionDays} days after a call " +
                $"completes, and this one completed at {completedAt.ToString("u", CultureInfo.InvariantCulture)}. Spawn the call again for a fresh result.");
        }

        return stored;
    }

    private static bool IsCallId(string callId) => callId.StartsWith("fc-", StringComparison.Ordinal);

    private static NotFoundError CallNotFound(string callId) => IsCallId(callId)
        ? new NotFoundError($"Function call {callId} does not exist on this control plane (results of synchronous calls are kept only briefly; spawn calls whose results you fetch later).")
        : new NotFoundError($"'{callId}' is not a function call id; ids of calls start with 'fc-'.");

    private static string ValidateArtifact(string appName, string artifactDir, string assemblyFile)
    {
        if (string.IsNullOrWhiteSpace(artifactDir) || string.IsNullOrWhiteSpace(assemblyFile))
        {
            throw new InvalidError($"App '{appName}' must name its build output: set artifact_dir (the folder of the app's assembly) and assembly_file.");
        }

        var directory = Path.GetFullPath(artifactDir);
        if (!Directory.Exists(directory))
        {
            throw new InvalidError($"The build output folder {directory} of app '{appName}' does not exist on the control plane's machine. Build the app, and pass its output folder.");
        }

        if (!File.Exists(Path.Combine(directory, assemblyFile)))
        {
            throw new InvalidError($"The assembly {assemblyFile} of app '{appName}' is not in {directory}. Build the app, and pass the file name of its assembly.");
        }

        return directory;
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        // Apps whose client process is gone cannot be resumed; deployed and detached apps come back with their spawned
        // work (a detached app then stops once that work is done, as its client is gone).
        foreach (var stale in await _store.LoadAppsAsync(AppState.Ephemeral, cancellationToken).ConfigureAwait(false))
        {
            await _store.SetAppStateAsync(stale.AppId, AppState.Stopped, cancellationToken).ConfigureAwait(false);
        }

        var now = NowMs;
        var resumed = (await _store.LoadAppsAsync(AppState.Deployed, cancellationToken).ConfigureAwait(false))
            .Concat(await _store.LoadAppsAsync(AppState.Detached, cancellationToken).ConfigureAwait(false));
        foreach (var stored in resumed)
        {
            var app = new RunningApp(stored.AppId, stored.Name, stored.State, stored.Environment, stored.ArtifactDir, stored.AssemblyFile, stored.ManifestJson, now)
            {
                Workspace = OwnerOf?.Invoke(stored.AppId) ?? Auth.PlatformServices.DefaultWorkspace,
            };
            foreach (var storedFunction in await _store.LoadFunctionsAsync(app.AppId, cancellationToken).ConfigureAwait(false))
            {
                var manifest = JsonSerializer.Deserialize<FunctionManifest>(storedFunction.ManifestJson, AppManifest.JsonOptions)!;
                var function = new FunctionRuntime(storedFunction.FunctionId, app, manifest, _options);
                app.Functions[function.Name] = function;
                _functions[function.FunctionId] = function;
            }

            _apps[app.AppId] = app;
        }

        Interlocked.Increment(ref _routesVersion);
        var effects = new SchedulingEffects();
        foreach (var stored in await _store.LoadIncompleteCallsAsync(cancellationToken).ConfigureAwait(false))
        {
            var inputs = await _store.LoadUnfinishedInputsAsync(stored.CallId, cancellationToken).ConfigureAwait(false);
            if (_functions.TryGetValue(stored.FunctionId, out var function))
            {
                var call = new FunctionCallState(stored.CallId, function, stored.CallType, stored.InvocationType, stored.CreatedAtMs);
                var outputs = await _store.GetOutputsAsync(stored.CallId, 0, cancellationToken).ConfigureAwait(false);
                call.RestoreOutputs(outputs, stored.NumInputs, stored.InputsComplete);
                var records = inputs.Select(i => new InputRecord(i.InputId, call, i.Idx, Payload.Parser.ParseFrom(i.Args), i.RetryCount)).ToList();
                call.TrackRestoredInputs(records);
                _calls[call.CallId] = call;
                function.EnqueueRecovered(records, now, effects);
                continue;
            }

            var result = PlatformResults.Terminated(
                "The control plane restarted while this spawned input was unfinished, and its app was not deployed, so nothing runs it any more. Spawn it again.")
                .ToByteArray();
            var terminated = inputs.Select((input, i) => new StoredOutput
            {
                CallId = stored.CallId,
                EntryId = stored.NumCompleted + i + 1,
                InputId = input.InputId,
                Idx = input.Idx,
                RetryCount = input.RetryCount,
                Result = result,
            }).ToList();
            await _store.SaveOutputsAsync(
                stored with { NumCompleted = stored.NumCompleted + terminated.Count, NumInputs = Math.Max(stored.NumInputs, stored.NumCompleted + terminated.Count), InputsComplete = true, CompletedAtMs = now },
                terminated,
                cancellationToken).ConfigureAwait(false);
        }

        await ApplyAsync(effects).ConfigureAwait(false);
        _lastPurgeMs = now;
        await _store.PurgeExpiredAsync(now - ResultRetentionMs, cancellationToken).ConfigureAwait(false);
    }

    private async Task ExitLoopAsync()
    {
        try
        {
            await foreach (var exit in _backend.Exits.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await OnContainerGoneAsync(exit.TaskId, exit.Reason).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Handling the exit of container {TaskId} failed", exit.TaskId);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task MaintenanceLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.MaintenanceInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await RunMaintenanceAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogError(ex, "Control plane maintenance failed");
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Shutting down: whatever failed here has nothing left to report to.
        }
    }
}
