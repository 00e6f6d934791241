using Modal;

namespace Modal.Bench;

/// <summary>The functions the scenarios call: trivial bodies, so the figures measure the platform, not the work.</summary>
[App("modal-bench")]
public static partial class BenchApp
{
    /// <summary>Kept warm on one container: remote-latency measures a round trip, not a cold start.</summary>
    [Function(MinContainers = 1, MaxContainers = 1)]
    public static int Echo(int x) => x;

    /// <summary>Two containers, as the map-throughput scenario specifies.</summary>
    [Function(MinContainers = 2, MaxContainers = 2)]
    public static int Increment(int x) => x + 1;

    /// <summary>The spawn-throughput target: trivial, with the default pool size.</summary>
    [Function]
    public static int Spawnee(int x) => x;

    /// <summary>No warm pool: the first call starts a container.</summary>
    [Function(MaxContainers = 1)]
    public static int Cold(int x) => x;
}
