namespace Modal.Gpus.Kernels;

/// <summary>
/// Picks the GEMM kernel's memory path at compile time: ILGPU specializes a generic kernel per struct type argument, so
/// the unused path costs no registers or branches.
/// </summary>
internal interface IGemmLayout
{
    /// <summary>True when every row starts 16-byte aligned and k and n are multiples of 4, so float4 loads are safe.</summary>
    bool Vectorized { get; }
}
