using Modal.Protocol;
using Modal.Scheduling;

namespace Modal.Gateway;

/// <summary>
/// Which functions serve each subdomain, newest app first, rebuilt whenever the scheduler's apps change. Several entries
/// share a subdomain while a redeploy rolls over (versions of one deployed app) or ephemeral runs of one app overlap.
/// </summary>
internal sealed class WebRouteTable(Scheduler scheduler)
{
    private volatile Snapshot _snapshot = new(-1, new Dictionary<string, FunctionRuntime[]>(StringComparer.Ordinal));

    /// <summary>The function a new request for <paramref name="subdomain"/> goes to, or null when nothing serves it.</summary>
    public FunctionRuntime? Route(string subdomain)
    {
        var snapshot = _snapshot;
        var version = scheduler.RoutesVersion;
        if (snapshot.Version != version)
        {
            snapshot = Rebuild(version);
        }

        return snapshot.Routes.TryGetValue(subdomain, out var candidates) ? Choose(candidates) : null;
    }

    /// <summary>
    /// The newest version once it has a container serving HTTP; until then an older deployed version of the same app
    /// that still serves and was not superseded, so a redeploy never makes requests wait for a cold start; else the
    /// newest, where the request queues and starts a container. Ephemeral runs do not fall back: the newest takes the URL.
    /// </summary>
    private static FunctionRuntime? Choose(FunctionRuntime[] candidates)
    {
        FunctionRuntime? newest = null;
        foreach (var candidate in candidates)
        {
            if (candidate.IsStopped)
            {
                continue;
            }

            if (newest is null)
            {
                newest = candidate;
                if (candidate.HasWebContainer || candidate.App.State != AppState.Deployed)
                {
                    return candidate;
                }

                continue;
            }

            if (candidate.App.State == AppState.Deployed && candidate.App.Name == newest.App.Name && !candidate.Superseded && candidate.HasWebContainer)
            {
                return candidate;
            }
        }

        return newest;
    }

    private Snapshot Rebuild(long version)
    {
        var routes = new Dictionary<string, List<FunctionRuntime>>(StringComparer.Ordinal);
        foreach (var app in scheduler.Apps.Where(a => !a.IsStopped).OrderByDescending(a => a.CreatedAtMs))
        {
            foreach (var function in app.Functions.Values)
            {
                if (scheduler.WebSubdomain(function) is not { } subdomain)
                {
                    continue;
                }

                if (!routes.TryGetValue(subdomain, out var list))
                {
                    routes[subdomain] = list = [];
                }

                list.Add(function);
            }
        }

        var snapshot = new Snapshot(version, routes.ToDictionary(r => r.Key, r => r.Value.ToArray(), StringComparer.Ordinal));
        _snapshot = snapshot;
        return snapshot;
    }

    private sealed record Snapshot(long Version, Dictionary<string, FunctionRuntime[]> Routes);
}
