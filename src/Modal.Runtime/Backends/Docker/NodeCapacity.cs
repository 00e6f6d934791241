using System.Globalization;
using Modal.Manifest;

namespace Modal.Backends.Docker;

/// <summary>
/// What the engine's machine offers. A function whose request exceeds it could never be placed, so it is refused when
/// the app is created instead of waiting forever for a container.
/// </summary>
/// <param name="Cpus">Cores of the machine.</param>
/// <param name="MemoryMiB">Memory of the machine, in MiB.</param>
/// <param name="FreeDiskMiB">Free disk where the engine keeps containers, in MiB; null when not on this machine.</param>
public sealed record NodeCapacity(double Cpus, long MemoryMiB, long? FreeDiskMiB)
{
    /// <summary>Problems of <paramref name="function"/>'s requests against this node, each naming the setting.</summary>
    public IEnumerable<string> Check(FunctionManifest function)
    {
        var resources = function.Resources;
        if (resources?.Cpu is { } cpu && cpu > Cpus)
        {
            yield return $"function '{function.Name}' requests {Format(cpu)} CPU cores (Cpu), but the largest node offers {Format(Cpus)}; lower Cpu to at most {Format(Cpus)}";
        }

        if (resources?.MemoryMiB is { } memory && memory > MemoryMiB)
        {
            yield return $"function '{function.Name}' requests {memory:N0} MiB of memory (Memory), but the largest node has {MemoryMiB:N0} MiB; lower Memory";
        }

        if (resources?.EphemeralDiskMiB is { } disk && FreeDiskMiB is { } free && disk > free)
        {
            yield return $"function '{function.Name}' requests {disk:N0} MiB of ephemeral disk (EphemeralDisk), but the node has {free:N0} MiB free; lower EphemeralDisk";
        }
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
