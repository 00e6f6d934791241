using System.Runtime.InteropServices;

namespace Modal.Gpus.Kernels;

/// <summary>
/// One thread's 8 x 8 block of C, as named fields rather than an array: ILGPU keeps struct fields in registers, while an
/// indexed local array would live in (slow) local memory. Rows 0-3 and 4-7 lie 64 rows apart; L and H are the column
/// runs 64 apart.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Tile8x8
{
    public Float4 R0L;
    public Float4 R0H;
    public Float4 R1L;
    public Float4 R1H;
    public Float4 R2L;
    public Float4 R2H;
    public Float4 R3L;
    public Float4 R3H;
    public Float4 R4L;
    public Float4 R4H;
    public Float4 R5L;
    public Float4 R5H;
    public Float4 R6L;
    public Float4 R6H;
    public Float4 R7L;
    public Float4 R7H;
}
