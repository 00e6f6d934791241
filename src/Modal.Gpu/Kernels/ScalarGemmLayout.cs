namespace Modal.Gpus.Kernels;

/// <summary>Scalar, bounds-checked loads and stores for any shape.</summary>
internal readonly struct ScalarGemmLayout : IGemmLayout
{
    public bool Vectorized => false;
}
