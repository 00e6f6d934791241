using System.Globalization;
using System.Text;
using Modal.Gpus.Inventory;
using Modal.Rules;

namespace Modal.Gpus.Placement;

/// <summary>
/// Assigns a node's GPUs to containers. Each entry of a function's GPU setting is tried in order (Modal's fallback
/// rule); an H100 request may be served by H200s unless it says <c>H100!</c>; <c>any</c> takes devices of any one type.
/// A device belongs to one container until <see cref="Release"/>. Thread-safe.
/// </summary>
public sealed class GpuAllocator
{
    private readonly object gate = new();
    private readonly IReadOnlyList<GpuDevice> devices;
    private readonly string?[] owners;
    private readonly Dictionary<string, GpuAllocation> allocations = new(StringComparer.Ordinal);

    public GpuAllocator(IGpuInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        devices = inventory.Devices.OrderBy(d => d.Index).ToArray();
        owners = new string?[devices.Count];
    }

    /// <summary>Every device of the node, free or not.</summary>
    public IReadOnlyList<GpuDevice> Devices => devices;

    /// <summary>The devices no container holds now.</summary>
    public IReadOnlyList<GpuDevice> FreeDevices
    {
        get
        {
            lock (gate)
            {
                return devices.Where((_, i) => owners[i] is null).ToArray();
            }
        }
    }

    /// <summary>The devices <paramref name="containerId"/> holds, or null.</summary>
    public GpuAllocation? Find(string containerId)
    {
        lock (gate)
        {
            return allocations.GetValueOrDefault(containerId);
        }
    }

    /// <summary>Parses <paramref name="gpu"/> (a function's GPU setting) and allocates for it.</summary>
    /// <exception cref="ArgumentException">The setting is not valid; the message says why.</exception>
    public GpuPlacement TryAllocate(string containerId, string gpu)
    {
        if (!GpuSpec.TryParse(gpu, out var requests, out var error, out _))
        {
            throw new ArgumentException(error, nameof(gpu));
        }

        return TryAllocate(containerId, requests);
    }

    /// <summary>
    /// Assigns devices for the first entry of <paramref name="requests"/> that can be served now. When none can, the
    /// answer is <see cref="GpuPlacementStatus.Wait"/> if the node could serve one later, else
    /// <see cref="GpuPlacementStatus.Unsatisfiable"/>; both carry a reason for the user.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="containerId"/> already holds GPUs.</exception>
    public GpuPlacement TryAllocate(string containerId, IReadOnlyList<GpuRequest> requests)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            throw new ArgumentException("The GPU request list is empty; pass at least one request such as H100.", nameof(requests));
        }

        lock (gate)
        {
            if (allocations.TryGetValue(containerId, out var held))
            {
                throw new InvalidOperationException(
                    $"Container {containerId} already holds {held.Devices.Count} x {held.Type}. Release its GPUs before allocating again.");
            }

            foreach (var request in requests)
            {
                foreach (var group in CandidateGroups(request))
                {
                    var free = group.Positions.Where(p => owners[p] is null).Take(request.Count).ToArray();
                    if (free.Length < request.Count)
                    {
                        continue;
                    }

                    foreach (var position in free)
                    {
                        owners[position] = containerId;
                    }

                    var allocation = new GpuAllocation(containerId, request, group.Key, free.Select(p => devices[p]).ToArray());
                    allocations.Add(containerId, allocation);
                    return GpuPlacement.Allocated(allocation);
                }
            }

            var feasible = requests.Where(CouldEverServe).ToArray();
            return feasible.Length > 0
                ? GpuPlacement.Wait(WaitReason(feasible))
                : GpuPlacement.Unsatisfiable(UnsatisfiableReason(requests));
        }
    }

    /// <summary>
    /// Whether some entry of <paramref name="requests"/> could be served by this node once its devices are free; if not,
    /// <paramref name="reason"/> says what is missing. Lets a deploy fail early instead of queueing forever.
    /// </summary>
    public bool CanEverServe(IReadOnlyList<GpuRequest> requests, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(requests);
        lock (gate)
        {
            if (requests.Any(CouldEverServe))
            {
                reason = null;
                return true;
            }

            reason = UnsatisfiableReason(requests);
            return false;
        }
    }

    /// <summary>Frees the devices <paramref name="containerId"/> holds; call it when the container exits.</summary>
    /// <returns>False when the container held none.</returns>
    public bool Release(string containerId)
    {
        ArgumentNullException.ThrowIfNull(containerId);
        lock (gate)
        {
            if (!allocations.Remove(containerId))
            {
                return false;
            }

            for (var i = 0; i < owners.Length; i++)
            {
                if (owners[i] == containerId)
                {
                    owners[i] = null;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Plans which idle containers to stop so that waiting containers get devices. Claims are served in order (oldest
    /// first, the order in which freed devices are handed out); each first takes devices that are free or about to be
    /// (<paramref name="releasing"/>), and only when those are not enough stops idle containers of other pools, those idle
    /// longest first (the order of <paramref name="idle"/>), and no more of them than its request needs. A claim that
    /// even every idle container could not serve stops nothing. Nothing is allocated or released here.
    /// </summary>
    /// <param name="claims">Waiting containers, oldest first.</param>
    /// <param name="idle">Containers that may be stopped, longest idle first; those holding no devices are ignored.</param>
    /// <param name="releasing">Whether a holder is already on its way out, so its devices count as free.</param>
    public IReadOnlyList<GpuReclaim> PlanReclaim(IReadOnlyList<GpuClaim> claims, IReadOnlyList<GpuIdleContainer> idle, Func<string, bool> releasing)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(idle);
        ArgumentNullException.ThrowIfNull(releasing);
        lock (gate)
        {
            // A what-if copy of the owners, changed as the plan goes, so two claims never count on the same device.
            var planned = (string?[])owners.Clone();
            for (var i = 0; i < planned.Length; i++)
            {
                if (planned[i] is { } owner && releasing(owner))
                {
                    planned[i] = null;
                }
            }

            var stoppable = idle.Where(c => planned.Contains(c.ContainerId)).ToList();
            var plan = new List<GpuReclaim>();
            foreach (var claim in claims)
            {
                if (TryPlan(planned, claim.ContainerId, claim.Requests))
                {
                    continue;
                }

                var victims = ChooseVictims(planned, claim, stoppable);
                if (victims is null)
                {
                    continue;
                }

                foreach (var victim in victims)
                {
                    stoppable.Remove(victim);
                    for (var i = 0; i < planned.Length; i++)
                    {
                        if (planned[i] == victim.ContainerId)
                        {
                            planned[i] = null;
                        }
                    }

                    plan.Add(new GpuReclaim(victim.ContainerId, claim.ContainerId));
                }

                TryPlan(planned, claim.ContainerId, claim.Requests);
            }

            return plan;
        }
    }

    /// <summary>Marks the devices <see cref="TryAllocate(string, IReadOnlyList{GpuRequest})"/> would pick, in a what-if copy.</summary>
    private bool TryPlan(string?[] planned, string containerId, IReadOnlyList<GpuRequest> requests)
    {
        foreach (var request in requests)
        {
            foreach (var group in CandidateGroups(request))
            {
                var free = group.Positions.Where(p => planned[p] is null).Take(request.Count).ToArray();
                if (free.Length == request.Count)
                {
                    foreach (var position in free)
                    {
                        planned[position] = containerId;
                    }

                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The fewest idle containers, longest idle first, whose devices with the free ones serve the first entry of the claim
    /// that can be served at all (the allocator's own preference); null when none can.
    /// </summary>
    private List<GpuIdleContainer>? ChooseVictims(string?[] planned, GpuClaim claim, List<GpuIdleContainer> stoppable)
    {
        foreach (var request in claim.Requests)
        {
            foreach (var group in CandidateGroups(request))
            {
                int Held(GpuIdleContainer c) => group.Positions.Count(p => planned[p] == c.ContainerId);

                var free = group.Positions.Count(p => planned[p] is null);
                var chosen = new List<GpuIdleContainer>();
                foreach (var candidate in stoppable)
                {
                    if (free >= request.Count)
                    {
                        break;
                    }

                    var held = Held(candidate);
                    if (held > 0 && candidate.Pool != claim.Pool)
                    {
                        chosen.Add(candidate);
                        free += held;
                    }
                }

                if (free < request.Count)
                {
                    continue;
                }

                // A later, larger holder may have made an earlier one unnecessary: keep only what the request needs.
                foreach (var candidate in chosen.ToArray())
                {
                    var held = Held(candidate);
                    if (free - held >= request.Count)
                    {
                        chosen.Remove(candidate);
                        free -= held;
                    }
                }

                return chosen;
            }
        }

        return null;
    }

    private bool CouldEverServe(GpuRequest request) => CandidateGroups(request).Any(g => g.Positions.Count >= request.Count);

    /// <summary>
    /// The device groups that may serve <paramref name="request"/>, most preferred first. A container's devices are all of
    /// one type, so each group is one type. For an H100 request real H100s come first, keeping H200s for H200 requests.
    /// </summary>
    private IEnumerable<DeviceGroup> CandidateGroups(GpuRequest request)
    {
        IEnumerable<string> keys = request.Type switch
        {
            "any" => devices.Select(d => d.TypeOrName).Distinct().OrderBy(TypeRank).ThenBy(k => k, StringComparer.Ordinal),
            "H100" when !request.Exact => ["H100", "H200"],
            _ => [request.Type],
        };

        foreach (var key in keys)
        {
            var positions = Enumerable.Range(0, devices.Count).Where(i => devices[i].TypeOrName == key).ToArray();
            if (positions.Length > 0)
            {
                yield return new DeviceGroup(key, positions);
            }
        }
    }

    // "any" prefers the smaller, more plentiful types (the order of GpuSpec.KnownTypes), and devices whose type the
    // platform does not know only when nothing else fits.
    private static int TypeRank(string key)
    {
        for (var i = 0; i < GpuSpec.KnownTypes.Count; i++)
        {
            if (GpuSpec.KnownTypes[i] == key)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private string WaitReason(IReadOnlyList<GpuRequest> feasible)
    {
        var text = new StringBuilder("waiting for ");
        for (var i = 0; i < feasible.Count; i++)
        {
            if (i > 0)
            {
                text.Append("; or ");
            }

            var request = feasible[i];
            text.Append(request.Count.ToString(CultureInfo.InvariantCulture)).Append(" free ").Append(Describe(request)).Append("; ");
            var groups = CandidateGroups(request).ToArray();
            if (groups.Length == 1)
            {
                text.Append(FreeCount(groups[0])).Append(" of ").Append(groups[0].Positions.Count).Append(" free");
            }
            else
            {
                text.Append(string.Join(", ", groups.Select(g => $"{g.Key}: {FreeCount(g)} of {g.Positions.Count} free")));
            }
        }

        return text.ToString();
    }

    private string UnsatisfiableReason(IReadOnlyList<GpuRequest> requests)
    {
        var available = devices.Count == 0
            ? "none"
            : string.Join(", ", devices.GroupBy(d => d.TypeOrName).OrderBy(g => TypeRank(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} x {g.Key}"));
        var text = new StringBuilder()
            .Append("no node offers ").Append(string.Join(" or ", requests)).Append("; available: ").Append(available).Append('.');
        if (requests.Any(r => r.Exact) && devices.Any(d => d.Type == "H200"))
        {
            text.Append(" H100! refuses the upgrade to H200; write H100 to accept an H200.");
        }

        text.Append(" Change the function's gpu setting to a type this node has, or run it on a node with the GPUs it names.");
        return text.ToString();
    }

    private static string Describe(GpuRequest request) => request.Type switch
    {
        "any" => request.Count == 1 ? "GPU of any type" : "GPUs of one type",
        "H100" when !request.Exact => "H100 (or H200)",
        _ => request.Type,
    };

    private int FreeCount(DeviceGroup group) => group.Positions.Count(p => owners[p] is null);

    private sealed record DeviceGroup(string Key, IReadOnlyList<int> Positions);
}
