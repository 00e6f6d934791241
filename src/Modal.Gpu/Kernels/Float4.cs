using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Modal.Gpus.Kernels;

/// <summary>
/// Four floats moved as one value: ILGPU's PTX backend turns a load or store of a 16-byte-aligned struct of four
/// floats into one 128-bit instruction, which is what keeps the kernels at memory and shared-memory speed.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Float4
{
    public float X;
    public float Y;
    public float Z;
    public float W;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float4(float x, float y, float z, float w)
    {
        X = x;
        Y = y;
        Z = z;
        W = w;
    }

    // Written as multiply-then-add: ILGPU has no FMA intrinsic (MathF.FusedMultiplyAdd becomes an unresolved call in
    // PTX), and ptxas contracts the pair into one FFMA.

    /// <summary><paramref name="c"/> + <paramref name="a"/> * <paramref name="b"/>, element-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float4 MulAdd(Float4 c, float a, Float4 b) => new(
        c.X + (a * b.X),
        c.Y + (a * b.Y),
        c.Z + (a * b.Z),
        c.W + (a * b.W));

    /// <summary><paramref name="acc"/> + a · b, as a chain of four multiply-adds into the accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotAdd(float acc, Float4 a, Float4 b) => acc + (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z) + (a.W * b.W);
}
