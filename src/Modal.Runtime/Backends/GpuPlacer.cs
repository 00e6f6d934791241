using Microsoft.Extensions.Logging;
using Modal.Gpus.Inventory;
using Modal.Gpus.Placement;
using Modal.Manifest;
using Modal.Rules;
using Modal.Scheduling;

namespace Modal.Backends;

/// <summary>
/// The control plane's side of GPU placement: refuses at deploy a <c>gpu</c> setting no device of this node could ever
/// serve, assigns devices when a container of a GPU function is about to start, and holds back containers whose devices
/// are all taken (their inputs stay pending) until a container exits and gives its devices back. When work waits, it also
/// picks idle containers of other functions to stop for their devices (<see cref="PlanReclaim"/>). Thread-safe.
/// </summary>
internal sealed class GpuPlacer
{
    private readonly Func<CancellationToken, Task<IGpuInventory>> _detect;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _detecting = new(1, 1);
    private readonly object _gate = new();
    private readonly List<GpuWait> _waiting = [];
    private GpuAllocator? _allocator;

    /// <param name="inventory">The node's GPUs; null detects them on first use, so apps without GPUs never pay for it.</param>
    /// <param name="logger">Platform log: waiting reasons and the detected inventory go here.</param>
    public GpuPlacer(IGpuInventory? inventory, ILogger logger)
    {
        _logger = logger;
        _detect = inventory is not null
            ? _ => Task.FromResult(inventory)
            : async cancellationToken => await NodeGpuInventory.DetectAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Containers held back because their GPUs are taken, oldest first, with the reason a user sees.</summary>
    public IReadOnlyList<GpuWait> Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.ToArray();
            }
        }
    }

    /// <summary>The reason containers of <paramref name="functionId"/> wait for GPUs, or null when none waits.</summary>
    public string? WaitReason(string functionId)
    {
        lock (_gate)
        {
            return _waiting.FirstOrDefault(w => w.Container.Function.FunctionId == functionId)?.Reason;
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidError"/> for the first function whose <c>gpu</c> setting no device of this node could
    /// serve even when free, so a deploy or run fails at once instead of leaving its inputs pending forever.
    /// </summary>
    public async Task ValidateAsync(IEnumerable<FunctionManifest> functions, CancellationToken cancellationToken)
    {
        foreach (var function in functions)
        {
            if (function.Resources?.Gpu is not { } gpu)
            {
                continue;
            }

            var requests = Parse(function.Name, gpu);
            var allocator = await GetAllocatorAsync(cancellationToken).ConfigureAwait(false);
            if (!allocator.CanEverServe(requests, out var reason))
            {
                throw new InvalidError($"Function '{function.Name}' requests {gpu}, but {reason}");
            }
        }
    }

    /// <summary>
    /// Assigns devices to <paramref name="container"/>. When they are taken the container joins the waiting list (a
    /// later <see cref="PlaceWaiting"/> starts it) and the answer says why it waits.
    /// </summary>
    public async Task<GpuPlacement> PlaceAsync(ContainerTask container, string gpu, CancellationToken cancellationToken)
    {
        var requests = Parse(container.Function.Name, gpu);
        var allocator = await GetAllocatorAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var placement = allocator.TryAllocate(container.TaskId, requests);
            if (placement.Status == GpuPlacementStatus.Wait)
            {
                container.AwaitingDevices = true;
                _waiting.Add(new GpuWait(container, placement.Reason!));
                _logger.LogInformation(
                    "Container {TaskId} of function {Function} is not started yet, {Reason}; its inputs stay pending until a container gives its GPUs back",
                    container.TaskId, container.Function.Name, placement.Reason);
            }

            return placement;
        }
    }

    /// <summary>
    /// Assigns freed devices to waiting containers and returns those that now have them; the caller starts them.
    /// Containers whose function has inputs or requests queued go first, oldest first, then the others (warm pools), so
    /// devices taken back from an idle container (<see cref="PlanReclaim"/>) reach the work they were taken for.
    /// Containers that were stopped or lost while waiting are dropped.
    /// </summary>
    public IReadOnlyList<(ContainerTask Container, GpuAllocation Allocation)> PlaceWaiting()
    {
        if (_allocator is not { } allocator)
        {
            return [];
        }

        // Read before taking the gate: a function's lock is never taken inside it.
        var withWork = Waiting.Where(w => w.Container.Function.HasQueuedWork).Select(w => w.Container).ToHashSet();
        var placed = new List<(ContainerTask, GpuAllocation)>();
        lock (_gate)
        {
            // Stable: oldest first within each group; the list itself stays in arrival order.
            foreach (var wait in _waiting.OrderBy(w => withWork.Contains(w.Container) ? 0 : 1).ToList())
            {
                var container = wait.Container;
                if (container.Phase == ContainerPhase.Exited || container.ShutdownRequested || container.Function.Manifest.Resources?.Gpu is not { } gpu)
                {
                    _waiting.Remove(wait);
                    continue;
                }

                var placement = allocator.TryAllocate(container.TaskId, Parse(container.Function.Name, gpu));
                if (placement.Status == GpuPlacementStatus.Allocated)
                {
                    _waiting.Remove(wait);
                    placed.Add((container, placement.Allocation!));
                }
                else
                {
                    _waiting[_waiting.IndexOf(wait)] = wait with { Reason = placement.Reason! };
                }
            }
        }

        return placed;
    }

    /// <summary>
    /// Which of <paramref name="idle"/> to stop so that the <paramref name="claims"/> (waiting containers, oldest first)
    /// get devices: on a self-hosted node GPUs are scarce, and a warm container with nothing to do must not starve pending
    /// work for its whole scale-down window. Devices of holders that <paramref name="releasing"/> says are on their way
    /// out count as free, so a claim whose container was already stopped for it stops nothing more. The caller stops the
    /// chosen containers (checking again that they are still idle); their exit starts the waiting ones through
    /// <see cref="PlaceWaiting"/>.
    /// </summary>
    /// <param name="claims">Waiting containers whose functions have work queued for them.</param>
    /// <param name="idle">Containers that may be stopped: no work, not kept by their function's floor; longest idle first.</param>
    /// <param name="releasing">Whether a container holding devices is stopping or gone.</param>
    public IReadOnlyList<(ContainerTask Idle, GpuWait For)> PlanReclaim(IReadOnlyList<GpuWait> claims, IReadOnlyList<ContainerTask> idle, Func<string, bool> releasing)
    {
        if (_allocator is not { } allocator || claims.Count == 0 || idle.Count == 0)
        {
            return [];
        }

        var requests = new List<GpuClaim>(claims.Count);
        foreach (var wait in claims)
        {
            if (wait.Container.Function.Manifest.Resources?.Gpu is { } gpu)
            {
                requests.Add(new GpuClaim(wait.Container.TaskId, wait.Container.Function.FunctionId, Parse(wait.Container.Function.Name, gpu)));
            }
        }

        var plan = allocator.PlanReclaim(requests, [.. idle.Select(c => new GpuIdleContainer(c.TaskId, c.Function.FunctionId))], releasing);
        return [.. plan.Select(step => (
            idle.First(c => c.TaskId == step.ContainerId),
            claims.First(w => w.Container.TaskId == step.ForContainerId)))];
    }

    /// <summary>Takes <paramref name="taskId"/> off the waiting list; false when it was not waiting.</summary>
    public bool Forget(string taskId)
    {
        lock (_gate)
        {
            return _waiting.RemoveAll(w => w.Container.TaskId == taskId) > 0;
        }
    }

    /// <summary>Gives back the devices of a container that exited; false when it held none.</summary>
    public bool Release(string taskId)
    {
        var released = _allocator?.Release(taskId) ?? false;
        if (released)
        {
            _logger.LogDebug("Container {TaskId} gave its GPUs back", taskId);
        }

        return released;
    }

    private static IReadOnlyList<GpuRequest> Parse(string function, string gpu)
    {
        if (!GpuSpec.TryParse(gpu, out var requests, out var error, out _))
        {
            throw new InvalidError($"Function '{function}' has gpu=\"{gpu}\", which is not a valid GPU setting: {error}");
        }

        return requests;
    }

    private async Task<GpuAllocator> GetAllocatorAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _allocator) is { } ready)
        {
            return ready;
        }

        await _detecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_allocator is null)
            {
                var inventory = await _detect(cancellationToken).ConfigureAwait(false);
                if (inventory is NodeGpuInventory node)
                {
                    _logger.LogInformation(
                        "This node offers {Count} GPU(s) (from {Source}){Note}",
                        node.Devices.Count, node.Source, node.Note is null ? "" : ": " + node.Note);
                }

                Volatile.Write(ref _allocator, new GpuAllocator(inventory));
            }

            return _allocator!;
        }
        finally
        {
            _detecting.Release();
        }
    }
}
