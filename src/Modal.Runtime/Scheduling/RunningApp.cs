using System.Collections.Concurrent;
using Modal.Protocol;

namespace Modal.Scheduling;

/// <summary>An app (<c>ap-…</c>) the control plane knows, with its functions by name.</summary>
internal sealed class RunningApp(string appId, string name, AppState state, string environment, string artifactDir, string assemblyFile, string manifestJson, long createdAtMs)
{
    private long _lastHeartbeatMs = createdAtMs;
    private int _state = (int)state;

    public string AppId { get; } = appId;

    public string Name { get; } = name;

    public string Environment { get; } = environment;

    /// <summary>The workspace that owns the app (server mode); an embedded control plane has only the default one.</summary>
    public string Workspace { get; init; } = Auth.PlatformServices.DefaultWorkspace;

    public string ArtifactDir { get; } = artifactDir;

    public string AssemblyFile { get; } = assemblyFile;

    public string ManifestJson { get; } = manifestJson;

    public long CreatedAtMs { get; } = createdAtMs;

    public AppState State => (AppState)Volatile.Read(ref _state);

    public bool IsStopped => State == AppState.Stopped;

    public ConcurrentDictionary<string, FunctionRuntime> Functions { get; } = new(StringComparer.Ordinal);

    /// <summary>Secret names bound for this app by its client (never stored: an app resumed after a restart has none).</summary>
    public IReadOnlyList<BoundSecret> BoundSecrets { get; init; } = [];

    public long LastHeartbeatMs => Volatile.Read(ref _lastHeartbeatMs);

    public void Heartbeat(long nowMs) => Volatile.Write(ref _lastHeartbeatMs, nowMs);

    /// <summary>Marks the app stopped; false when it already was.</summary>
    public bool TryStop() => Interlocked.Exchange(ref _state, (int)AppState.Stopped) != (int)AppState.Stopped;
}
