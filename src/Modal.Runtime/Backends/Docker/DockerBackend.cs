using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Modal.Images;
using Modal.Manifest;

namespace Modal.Backends.Docker;

/// <summary>
/// Runs each container task as a Docker container of the function's image. The image needs no .NET: the host's .NET
/// installation, Modal.Worker and the app's build output are bind-mounted read-only at their host paths, so the worker
/// loads the app exactly as a local process would. Resources map to cgroup settings, <c>RestrictModalAccess</c> runs
/// the container under gVisor (runsc), and <c>BlockNetwork</c> gives it no network, with the control plane reached
/// through a mounted Unix socket instead. Containers are labelled with their app, function and task, and with the
/// control plane process that owns them, so a control plane that starts after a crash reaps what the crash left.
/// </summary>
public sealed class DockerBackend : IContainerBackend
{
    /// <summary>Where a container without a network finds the control plane's socket.</summary>
    internal const string ContainerSocketDirectory = "/run/modal";

    private const string SocketFileName = "control.sock";

    private static readonly HashSet<string> ContainerSettings =
    [
        FunctionSettings.Image,
        FunctionSettings.Cpu,
        FunctionSettings.CpuLimit,
        FunctionSettings.Memory,
        FunctionSettings.MemoryLimit,
        FunctionSettings.EphemeralDisk,
        FunctionSettings.RestrictModalAccess,
        FunctionSettings.BlockNetwork,
    ];

    // Settings the local backend may come to honour with host-side means (devices, folders, several processes) that
    // a container needs its own plumbing for; until this backend has it, it refuses them rather than ignore them.
    private static readonly HashSet<string> NeedContainerPlumbing =
    [
        FunctionSettings.Volumes,
        FunctionSettings.Cluster,
    ];

    private readonly DockerClient _docker;
    private readonly DockerBackendOptions _options;
    private readonly ILogger _logger;
    private readonly ImageBuilder _images;
    private readonly ConcurrentDictionary<string, DockerTask> _tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<BuiltImage>> _built = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImageApp> _apps = new(StringComparer.Ordinal);
    private readonly Channel<ContainerExit> _exits = Channel.CreateUnbounded<ContainerExit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _runtimes;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly string _socketDirectory;
    private int _disposed;

    private DockerBackend(DockerClient docker, DockerBackendOptions options, SystemInfoResponse info, ILogger logger)
    {
        _docker = docker;
        _options = options;
        _logger = logger;
        WorkerPath = Path.GetFullPath(LocalProcessBackend.ResolveWorkerPath(options.WorkerPath));
        DotnetRoot = Path.GetFullPath(options.DotnetRoot ?? FindDotnetRoot());
        _images = new ImageBuilder(docker, options.Images, DotnetRoot, WorkerPath);
        _runtimes = new HashSet<string>(info.Runtimes?.Keys ?? [], StringComparer.Ordinal);
        Capacity = new NodeCapacity(info.NCPU, info.MemTotal / (1024 * 1024), FreeDiskMiB(info.DockerRootDir));
        DiskQuota = DiskQuotaSupport(info);
        _stdout = TextWriter.Synchronized(options.Stdout ?? Console.Out);
        _stderr = TextWriter.Synchronized(options.Stderr ?? Console.Error);
        _socketDirectory = Path.Combine(Path.GetTempPath(), "modal-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_socketDirectory);
        ControlSocketPath = Path.Combine(_socketDirectory, SocketFileName);
    }

    public string Name => "docker";

    public ChannelReader<ContainerExit> Exits => _exits.Reader;

    /// <summary>The engine reports a container's end (and an OOM kill) a few milliseconds after its worker's connection drops.</summary>
    public TimeSpan ExitReasonGrace => TimeSpan.FromSeconds(3);

    /// <summary>The worker assembly containers run.</summary>
    public string WorkerPath { get; }

    /// <summary>The .NET installation mounted into containers.</summary>
    public string DotnetRoot { get; }

    /// <summary>What the engine's machine offers; requests above it are refused at deploy.</summary>
    public NodeCapacity Capacity { get; }

    /// <summary>
    /// Null when the engine's storage driver can cap a container's writable layer (<c>--storage-opt size=</c>), which
    /// is how EphemeralDisk is enforced; otherwise why it cannot, and EphemeralDisk is refused at deploy.
    /// </summary>
    public string? DiskQuota { get; }

    /// <summary>
    /// The Unix socket the control plane listens on for containers without a network (BlockNetwork). The control plane
    /// host listens on it; the folder is mounted into those containers at <c>/run/modal</c>.
    /// </summary>
    public string ControlSocketPath { get; }

    /// <summary>The image builder; tests and tools build recipes through it directly.</summary>
    public ImageBuilder Images => _images;

    internal DockerClient Client => _docker;

    /// <summary>
    /// Connects to the engine, reads what its machine offers, and reaps containers of control planes that are gone.
    /// Throws <see cref="InvalidError"/> saying how to start an engine when none answers.
    /// </summary>
    /// <summary>Also gets each line a container writes (task id, is stderr, line), as server mode's log of app output.</summary>
    internal Action<string, bool, string>? Output { get; set; }

    public static async Task<DockerBackend> CreateAsync(DockerBackendOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        if (options.Endpoint.Scheme != "unix")
        {
            throw new InvalidError(
                $"The Docker backend needs an engine on this machine, reached through its Unix socket (e.g. unix:///var/run/docker.sock), because containers " +
                $"mount the app's build output from local paths; DOCKER_HOST is {options.Endpoint}.");
        }

        var docker = new DockerClientConfiguration(options.Endpoint, defaultTimeout: TimeSpan.FromMinutes(5)).CreateClient();
        SystemInfoResponse info;
        try
        {
            info = await docker.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            docker.Dispose();
            throw new InvalidError(
                $"No Docker engine answers at {options.Endpoint} ({ex.GetBaseException().Message}). Install and start one " +
                "(apt-get install docker.io runsc; dockerd --bridge=none --iptables=false, as .ci/run does; see docs/containers.md), " +
                "or run functions as local processes with MODAL_BACKEND=local.", ex);
        }

        var backend = new DockerBackend(docker, options, info, logger);
        await backend.ReapOrphansAsync(cancellationToken).ConfigureAwait(false);
        return backend;
    }

    /// <summary>Whether an engine answers at <paramref name="endpoint"/> within a second, for auto-detection.</summary>
    public static async Task<bool> IsReachableAsync(Uri endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint.Scheme != "unix" || !File.Exists(endpoint.AbsolutePath))
        {
            return false;
        }

        using var docker = new DockerClientConfiguration(endpoint, defaultTimeout: TimeSpan.FromSeconds(1)).CreateClient();
        try
        {
            await docker.System.PingAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsUnreachable(ex) || ex is DockerApiException or OperationCanceledException)
        {
            return false;
        }
    }

    public void Validate(string appName, IReadOnlyList<FunctionManifest> functions)
    {
        FunctionSettings.EnsureSupported(Name, functions, IsSupported);
        var problems = new List<string>();
        foreach (var function in functions)
        {
            problems.AddRange(Capacity.Check(function));
            if (function.Resources?.EphemeralDiskMiB is { } disk && DiskQuota is { } why)
            {
                problems.Add(
                    $"function '{function.Name}' asks for {disk:N0} MiB of ephemeral disk (EphemeralDisk), which this engine cannot enforce: {why}. " +
                    "Remove EphemeralDisk, or run the engine on a storage driver that caps container disk (overlay2 on XFS mounted with pquota; see docs/containers.md)");
            }

            if (function.Image is { } image)
            {
                problems.AddRange(ImageRecipe.Check(image).Select(p => $"function '{function.Name}': {p}"));
            }

            var runtime = RuntimeOf(function);
            if (!_runtimes.Contains(runtime))
            {
                problems.Add(
                    $"function '{function.Name}' runs under the '{runtime}' runtime{(function.RestrictModalAccess == true ? " (RestrictModalAccess sandboxes it with gVisor)" : "")}, " +
                    $"which the Docker engine does not have (it has: {string.Join(", ", _runtimes.Order(StringComparer.Ordinal))}). " +
                    "Install runsc and register it in /etc/docker/daemon.json as docs/containers.md shows, then restart dockerd");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidError($"App '{appName}' cannot run on the docker backend: {string.Join("; ", problems)}.");
        }

        if (!File.Exists(WorkerPath))
        {
            throw new InvalidError(
                $"The Modal worker was not found at {WorkerPath}. Reference the Modal.Worker project (or package) from your app so the worker is copied next to " +
                $"Modal.Runtime.dll, or set {LocalProcessBackend.WorkerPathVariable} to the full path of Modal.Worker.dll.");
        }

        if (!File.Exists(Path.Combine(DotnetRoot, "dotnet")))
        {
            throw new InvalidError($"No .NET host at {Path.Combine(DotnetRoot, "dotnet")} to mount into containers; set DockerBackendOptions.DotnetRoot to the .NET installation folder.");
        }
    }

    /// <summary>Builds every image the functions use (once per distinct recipe), streaming progress to the build log.</summary>
    public async Task PrepareAsync(string appName, string artifactDir, string assemblyFile, IReadOnlyList<FunctionManifest> functions, CancellationToken cancellationToken)
    {
        // RunFunction steps run a function of the app, which may not be among the functions being prepared (a function
        // added to a running app), so the backend keeps every function it has seen of each build output.
        var app = _apps.AddOrUpdate(
            artifactDir,
            _ => new ImageApp(assemblyFile, functions),
            (_, known) => new ImageApp(assemblyFile, [.. known.Functions.Where(k => functions.All(f => f.Name != k.Name)), .. functions]));
        foreach (var group in functions.GroupBy(f => ImageKey(artifactDir, f.Image), StringComparer.Ordinal))
        {
            var label = $"app '{appName}' ({string.Join(", ", group.Select(f => f.Name))})";
            await BuildAsync(group.Key, group.First().Image, artifactDir, app, label, fresh: true, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var task = new DockerTask(spec.TaskId);
        if (!_tasks.TryAdd(spec.TaskId, task))
        {
            throw new InvalidOperationException($"Task {spec.TaskId} is already running on the docker backend.");
        }

        // Creating and starting a container takes a few hundred milliseconds and may first build an image: the
        // scheduler must not wait for it, so it runs on its own and its end, failed or not, is reported on Exits.
        task.Completion = Task.Run(() => RunAsync(task, spec), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(string taskId, CancellationToken cancellationToken)
    {
        if (!_tasks.TryGetValue(taskId, out var task))
        {
            return;
        }

        var containerId = task.RequestStop();
        if (containerId is not null)
        {
            try
            {
                await _docker.Containers.StopContainerAsync(
                    containerId,
                    new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(_options.StopGracePeriod.TotalSeconds) },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NotModified)
            {
                // Already stopped or removed: the watcher reports its exit.
            }
        }

        await task.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes every container labelled as the platform's whose owning control plane process is gone (it crashed or was
    /// killed), whether still running or exited. Returns how many were removed.
    /// </summary>
    public async Task<int> ReapOrphansAsync(CancellationToken cancellationToken)
    {
        var containers = await _docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.Managed}=true"] = true } },
        }, cancellationToken).ConfigureAwait(false);
        var reaped = 0;
        foreach (var container in containers)
        {
            var owner = Label(container.Labels, DockerLabels.Owner);
            if (ContainerOwner.IsAlive(owner))
            {
                continue;
            }

            await ImageEngine.RemoveQuietlyAsync(_docker, container.ID).ConfigureAwait(false);
            reaped++;
            _logger.LogInformation(
                "Reaped container {Container} of task {TaskId} ({Function}): its control plane {Owner} is gone",
                container.ID[..12], Label(container.Labels, DockerLabels.TaskId), Label(container.Labels, DockerLabels.FunctionName), owner);
        }

        return reaped;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAll(_tasks.Keys.ToList().Select(async id =>
        {
            try
            {
                await StopAsync(id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException)
            {
                _logger.LogWarning(ex, "Stopping container task {TaskId} failed", id);
            }
        })).ConfigureAwait(false);
        _exits.Writer.TryComplete();
        _docker.Dispose();
        try
        {
            Directory.Delete(_socketDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The socket is still being closed; the temp folder is the OS's to clean.
        }
    }

    private async Task RunAsync(DockerTask task, ContainerSpec spec)
    {
        int? exitCode = null;
        string reason;
        string? containerId = null;
        try
        {
            var image = await ImageForAsync(spec, task.Stopping).ConfigureAwait(false);
            var created = await _docker.Containers.CreateContainerAsync(CreateParameters(spec, image), task.Stopping).ConfigureAwait(false);
            containerId = created.ID;
            if (!task.Created(containerId))
            {
                throw new OperationCanceledException(task.Stopping);
            }

            using var output = await _docker.Containers.AttachContainerAsync(
                containerId, false, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, task.Stopping).ConfigureAwait(false);
            await _docker.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), task.Stopping).ConfigureAwait(false);
            _logger.LogDebug("Started container {Container} for task {TaskId} ({Function}) from {Image}", containerId[..12], spec.TaskId, spec.FunctionName, image.ModalImageId);
            var pump = ContainerOutputReader.PumpAsync(
                output,
                (line, isError) =>
                {
                    (isError ? _stderr : _stdout).WriteLine(line);
                    Output?.Invoke(spec.TaskId, isError, line);
                },
                CancellationToken.None);
            await _docker.Containers.WaitContainerAsync(containerId, CancellationToken.None).ConfigureAwait(false);
            try
            {
                await pump.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A process the function started still holds the output open; why the container ended matters more.
                _logger.LogDebug("Output of container task {TaskId} did not end with it", spec.TaskId);
            }

            var state = (await _docker.Containers.InspectContainerAsync(containerId, CancellationToken.None).ConfigureAwait(false)).State;
            exitCode = (int)state.ExitCode;
            reason = Describe(state, spec.Function, task.StopRequested);
        }
        catch (OperationCanceledException) when (task.StopRequested)
        {
            reason = "stopped before it started";
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Container task {TaskId} ({Function}) failed", spec.TaskId, spec.FunctionName);
            reason = $"failed to start on the docker backend: {(ex is DockerApiException api ? api.ResponseBody?.Trim() ?? api.Message : ex.Message)}";
        }
        finally
        {
            // By name as well as id: a create that was cancelled may still have made the container.
            await ImageEngine.RemoveQuietlyAsync(_docker, containerId ?? ContainerName(spec.TaskId)).ConfigureAwait(false);
            _tasks.TryRemove(new KeyValuePair<string, DockerTask>(spec.TaskId, task));
        }

        _logger.LogDebug("Container task {TaskId} ended: {Reason}", spec.TaskId, reason);
        _exits.Writer.TryWrite(new ContainerExit(spec.TaskId, exitCode, reason));
    }

    private static string Describe(ContainerState state, FunctionManifest? function, bool stopped)
    {
        if (state.OOMKilled)
        {
            return function?.Resources?.MemoryLimitMiB is { } limit
                ? $"killed by the out-of-memory killer: it used more than its memory limit of {limit} MiB (MemoryLimit = {limit}). " +
                  "Raise MemoryLimit (and Memory), or make the function use less memory"
                : "killed by the out-of-memory killer: the machine ran out of memory. Set Memory to reserve what the function needs";
        }

        if (stopped)
        {
            return $"stopped (exit code {state.ExitCode})";
        }

        return state.ExitCode == 137 ? "was killed (exit code 137)" : $"exited with code {state.ExitCode}";
    }

    private async Task<BuiltImage> ImageForAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var artifactDir = spec.ArtifactDir ?? throw new InvalidError(
            $"The docker backend needs the app's build output folder to mount into task {spec.TaskId}'s container, and the control plane gave none.");
        var key = ImageKey(artifactDir, spec.Function?.Image);
        // After a control plane restart nothing was prepared: a RunFunction step whose layer is cached needs nothing,
        // and one that must run again is refused by the recipe with a message saying to deploy again.
        _apps.TryGetValue(artifactDir, out var app);
        return await BuildAsync(key, spec.Function?.Image, artifactDir, app, $"function '{spec.FunctionName}'", fresh: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The image of a recipe: built once per backend (and again for each deploy, when <paramref name="fresh"/>, so
    /// changed local files and ForceBuild take effect), shared by every container of the functions that use it.
    /// </summary>
    private async Task<BuiltImage> BuildAsync(string key, ImageManifest? image, string artifactDir, ImageApp? app, string label, bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh && _built.TryGetValue(key, out var existing) && existing.IsCompletedSuccessfully)
        {
            return existing.Result;
        }

        var build = _images.BuildAsync(image, artifactDir, app, label, cancellationToken);
        _built[key] = build;
        try
        {
            return await build.ConfigureAwait(false);
        }
        catch
        {
            _built.TryRemove(new KeyValuePair<string, Task<BuiltImage>>(key, build));
            throw;
        }
    }

    private CreateContainerParameters CreateParameters(ContainerSpec spec, BuiltImage image)
    {
        var function = spec.Function;
        var blocked = function?.BlockNetwork == true;
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal)
        {
            // A container has no stdin to watch: the backend stops it through the engine instead.
            ["MODAL_WORKER_WATCH_STDIN"] = "0",
            ["MODAL_IMAGE_ID"] = image.ModalImageId,
            ["DOTNET_ROOT"] = DotnetRoot,
        };
        if (blocked)
        {
            environment["MODAL_SERVER_URL"] = $"unix://{ContainerSocketDirectory}/{SocketFileName}";
        }

        if (spec.Gpus is { } gpus)
        {
            foreach (var (name, value) in gpus.DockerEnvironment)
            {
                environment[name] = value;
            }
        }

        var binds = new List<(string Host, string Container)> { (DotnetRoot, DotnetRoot), (Path.GetDirectoryName(WorkerPath)!, Path.GetDirectoryName(WorkerPath)!) };
        if (spec.ArtifactDir is { } artifactDir)
        {
            binds.Add((artifactDir, artifactDir));
        }

        binds.AddRange(image.Mounts.Select(m => (m.HostPath, m.ContainerPath)));
        var resources = function?.Resources;
        var host = new HostConfig
        {
            NetworkMode = blocked ? "none" : "host",
            Runtime = RuntimeOf(function),
            // tini as PID 1: it forwards SIGTERM to the worker and reaps processes the function starts.
            Init = true,
            Binds = Binds(binds),
        };
        if (blocked)
        {
            host.Binds.Add($"{_socketDirectory}:{ContainerSocketDirectory}");
        }

        if (resources?.Cpu is { } cpu)
        {
            // A request is a share of the CPU under contention, not a cap (1024 shares = 1 core).
            host.CPUShares = Math.Max(2, (long)Math.Round(cpu * 1024));
        }

        if (resources?.CpuLimit is { } cpuLimit)
        {
            host.NanoCPUs = (long)(cpuLimit * 1_000_000_000);
        }

        if (resources?.EphemeralDiskMiB is { } disk)
        {
            // Validate refused EphemeralDisk where the driver cannot cap the writable layer, so this is enforced.
            host.StorageOpt = new Dictionary<string, string> { ["size"] = $"{disk}M" };
        }

        if (resources?.MemoryMiB is { } memory)
        {
            host.MemoryReservation = memory * 1024L * 1024L;
        }

        if (spec.Gpus is { } assigned)
        {
            // `docker run --gpus device=<ids>`: the NVIDIA container toolkit mounts exactly these devices.
            host.DeviceRequests =
            [
                new DeviceRequest
                {
                    Driver = "nvidia",
                    DeviceIDs = assigned.DockerDeviceIds.ToList(),
                    Capabilities = [["gpu"]],
                },
            ];
        }

        if (resources?.MemoryLimitMiB is { } memoryLimit)
        {
            host.Memory = memoryLimit * 1024L * 1024L;
            // No swap on top: the limit is hard, and going over it is an OOM kill the caller hears about.
            host.MemorySwap = host.Memory;
        }

        return new CreateContainerParameters
        {
            Name = ContainerName(spec.TaskId),
            Image = image.ImageId,
            Cmd = [Path.Combine(DotnetRoot, "dotnet"), WorkerPath],
            Env = environment.Select(e => $"{e.Key}={e.Value}").ToList(),
            Labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [DockerLabels.Managed] = "true",
                [DockerLabels.AppId] = spec.AppId,
                [DockerLabels.AppName] = spec.AppName,
                [DockerLabels.FunctionId] = spec.FunctionId,
                [DockerLabels.FunctionName] = spec.FunctionName,
                [DockerLabels.TaskId] = spec.TaskId,
                [DockerLabels.ImageId] = image.ModalImageId,
                [DockerLabels.Owner] = ContainerOwner.Current,
            },
            HostConfig = host,
        };
    }

    /// <summary>Read-only binds, leaving out a folder already inside another bound folder at the same place.</summary>
    internal static List<string> Binds(List<(string Host, string Container)> binds)
    {
        var result = new List<string>();
        var mounted = new List<(string Host, string Container)>();
        foreach (var (hostPath, containerPath) in binds.Select(b => (Path.GetFullPath(b.Host), b.Container)).OrderBy(b => b.Item2.Length))
        {
            if (mounted.Any(m => m.Host == m.Container && hostPath == containerPath && IsWithin(hostPath, m.Host)))
            {
                continue;
            }

            mounted.Add((hostPath, containerPath));
            result.Add($"{hostPath}:{containerPath}:ro");
        }

        return result;
    }

    /// <summary>What the worker and control plane implement (as for local workers), plus what containers add.</summary>
    private static bool IsSupported(string setting) =>
        ContainerSettings.Contains(setting) || (LocalProcessBackend.Supported.Contains(setting) && !NeedContainerPlumbing.Contains(setting));

    private static string? Label(IDictionary<string, string>? labels, string name) =>
        labels is not null && labels.TryGetValue(name, out var value) ? value : null;

    private static bool IsWithin(string path, string folder) =>
        path == folder || path.StartsWith(folder.EndsWith('/') ? folder : folder + "/", StringComparison.Ordinal);

    private string RuntimeOf(FunctionManifest? function) =>
        function?.RestrictModalAccess == true ? _options.SandboxRuntime : _options.DefaultRuntime;

    private static string ImageKey(string artifactDir, ImageManifest? image) =>
        artifactDir + "\n" + (image is null ? "" : JsonSerializer.Serialize(image, AppManifest.JsonOptions));

    private static string ContainerName(string taskId) => "modal-" + taskId;

    private static string FindDotnetRoot()
    {
        // The shared framework lives at <root>/shared/Microsoft.NETCore.App/<version>/, whatever started this process.
        var framework = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        return Path.GetFullPath(Path.Combine(framework, "..", "..", ".."));
    }

    /// <summary>
    /// Whether <c>--storage-opt size=</c> works: on overlay2 only over XFS (which must also be mounted with pquota, which
    /// the engine does not report: a container then fails to start with the engine's own message saying so); always on
    /// devicemapper, btrfs and zfs. Returns null when it does, else why not.
    /// </summary>
    private static string? DiskQuotaSupport(SystemInfoResponse info)
    {
        var driver = info.Driver ?? "";
        if (driver is "devicemapper" or "btrfs" or "zfs")
        {
            return null;
        }

        var backing = info.DriverStatus?.FirstOrDefault(s => s.Length == 2 && s[0] == "Backing Filesystem")?[1];
        if (driver == "overlay2" && backing == "xfs")
        {
            return null;
        }

        return driver == "overlay2"
            ? $"its storage driver is overlay2 on {backing ?? "an unknown filesystem"}, and Docker caps a container's disk on overlay2 only over XFS with project quotas (pquota)"
            : $"its storage driver '{driver}' cannot cap a container's disk";
    }

    private static long? FreeDiskMiB(string? dockerRoot)
    {
        try
        {
            return dockerRoot is { Length: > 0 } && Directory.Exists(dockerRoot) ? new DriveInfo(dockerRoot).AvailableFreeSpace / (1024 * 1024) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static bool IsUnreachable(Exception ex) =>
        ex is HttpRequestException or SocketException or IOException or TimeoutException ||
        ex.InnerException is { } inner && IsUnreachable(inner);

    /// <summary>One container task: its container once created, and whether it was asked to stop.</summary>
    private sealed class DockerTask(string taskId)
    {
        private readonly CancellationTokenSource _stopping = new();
        private string? _containerId;
        private bool _stopRequested;

        public string TaskId { get; } = taskId;

        public Task Completion { get; set; } = Task.CompletedTask;

        public CancellationToken Stopping => _stopping.Token;

        public bool StopRequested
        {
            get
            {
                lock (this)
                {
                    return _stopRequested;
                }
            }
        }

        /// <summary>Records the container; false when a stop came first, so the container must not start.</summary>
        public bool Created(string containerId)
        {
            lock (this)
            {
                _containerId = containerId;
                return !_stopRequested;
            }
        }

        /// <summary>Marks the task stopping; returns its container when it has one to stop.</summary>
        public string? RequestStop()
        {
            lock (this)
            {
                _stopRequested = true;
                // Cancels a create or start in flight; the container, if the engine made it anyway, is removed after.
                _stopping.Cancel();
                return _containerId;
            }
        }
    }
}
