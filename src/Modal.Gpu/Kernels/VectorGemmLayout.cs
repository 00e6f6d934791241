namespace Modal.Gpus.Kernels;

/// <summary>Float4 loads and stores.</summary>
internal readonly struct VectorGemmLayout : IGemmLayout
{
    public bool Vectorized => true;
}
