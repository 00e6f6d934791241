using System.Runtime.InteropServices;

namespace Modal.Gpus.Kernels;

/// <summary>
/// One score-kernel thread's 8 rows x 4 queries, as named fields so ILGPU keeps them in registers (an indexed local
/// array would live in local memory). R0-R3 are 4 consecutive rows, R4-R7 the 4 rows 256 further; each Float4 holds
/// the row's scores for the thread's 4 queries.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Tile8x4
{
    public Float4 R0;
    public Float4 R1;
    public Float4 R2;
    public Float4 R3;
    public Float4 R4;
    public Float4 R5;
    public Float4 R6;
    public Float4 R7;
}
