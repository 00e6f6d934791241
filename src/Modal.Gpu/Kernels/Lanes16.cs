using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Modal.Gpus.Kernels;

/// <summary>
/// One embedding row's running dot products with the 16 queries of a pass. Named fields, not an array, so ILGPU keeps
/// them in registers.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Lanes16
{
    public float S0;
    public float S1;
    public float S2;
    public float S3;
    public float S4;
    public float S5;
    public float S6;
    public float S7;
    public float S8;
    public float S9;
    public float S10;
    public float S11;
    public float S12;
    public float S13;
    public float S14;
    public float S15;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Get(int lane) => lane switch
    {
        0 => S0,
        1 => S1,
        2 => S2,
        3 => S3,
        4 => S4,
        5 => S5,
        6 => S6,
        7 => S7,
        8 => S8,
        9 => S9,
        10 => S10,
        11 => S11,
        12 => S12,
        13 => S13,
        14 => S14,
        _ => S15,
    };
}
