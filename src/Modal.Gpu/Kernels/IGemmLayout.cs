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

/// <summary>Float4 loads and stores.</summary>
internal readonly struct VectorGemmLayout : IGemmLayout
{
    public bool Vectorized => true;
}

/// <summary>Scalar, bounds-checked loads and stores for any shape.</summary>
internal readonly struct ScalarGemmLayout : IGemmLayout
{
    public bool Vectorized => false;
}
