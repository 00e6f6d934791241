using System.Runtime.InteropServices;

namespace Modal.Gpus.Kernels;

/// <summary>The scores of the two embedding rows a thread of the score kernel owns.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ScorePair
{
    public Lanes16 First;
    public Lanes16 Second;
}
