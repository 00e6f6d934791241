using System.Runtime.InteropServices;

namespace Modal.Gpus.Kernels;

/// <summary>The four float4s a score-kernel thread carries from global to shared memory per step, held in registers.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Staged4
{
    public Float4 P0;
    public Float4 P1;
    public Float4 P2;
    public Float4 P3;
}
