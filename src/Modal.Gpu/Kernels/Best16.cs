using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Modal.Gpus.Kernels;

/// <summary>
/// One prefilter thread's best 16 packed candidates, best first (K0), as named fields so ILGPU keeps them in registers.
/// 0 is padding and loses to every candidate.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Best16
{
    public ulong K0;
    public ulong K1;
    public ulong K2;
    public ulong K3;
    public ulong K4;
    public ulong K5;
    public ulong K6;
    public ulong K7;
    public ulong K8;
    public ulong K9;
    public ulong K10;
    public ulong K11;
    public ulong K12;
    public ulong K13;
    public ulong K14;
    public ulong K15;

    /// <summary>Puts <paramref name="value"/> in its place when it beats the worst kept, which drops out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Offer(ulong value)
    {
        if (value <= K15)
        {
            return;
        }

        // One pass of a bubble from the bottom: branch-free min/max pairs, unrolled.
        K15 = value;
        Order(ref K14, ref K15);
        Order(ref K13, ref K14);
        Order(ref K12, ref K13);
        Order(ref K11, ref K12);
        Order(ref K10, ref K11);
        Order(ref K9, ref K10);
        Order(ref K8, ref K9);
        Order(ref K7, ref K8);
        Order(ref K6, ref K7);
        Order(ref K5, ref K6);
        Order(ref K4, ref K5);
        Order(ref K3, ref K4);
        Order(ref K2, ref K3);
        Order(ref K1, ref K2);
        Order(ref K0, ref K1);
    }

    /// <summary>The <paramref name="rank"/>th best (0-based, below 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Get(int rank) => rank switch
    {
        0 => K0,
        1 => K1,
        2 => K2,
        3 => K3,
        4 => K4,
        5 => K5,
        6 => K6,
        7 => K7,
        8 => K8,
        9 => K9,
        10 => K10,
        11 => K11,
        12 => K12,
        13 => K13,
        14 => K14,
        _ => K15,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Order(ref ulong better, ref ulong worse)
    {
        var high = Math.Max(better, worse);
        worse = Math.Min(better, worse);
        better = high;
    }
}
