using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Modal.Gpus.Kernels;

namespace Modal.Gpus.Tests.Kernels;

/// <summary>
/// There is no GPU here, but ILGPU's CUDA backend runs without one: compiling every kernel to PTX for the H100's
/// architecture proves the CUDA path uses only constructs the backend supports. Set MODAL_GPU_PTX_DIR to keep the PTX
/// (e.g. to read it, or to check registers and spills with <c>ptxas -v -arch=sm_90</c>).
/// </summary>
public sealed class PtxCompilationTests
{
    public static TheoryData<string> KernelNames() => new(KernelMethods().Keys);

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Kernel_compiles_to_ptx_for_sm90(string name)
    {
        using var context = Context.Create(builder => builder.Cuda());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_78, nvvmAPI: null!);
        var (method, grouped, barriers, specialization) = KernelMethods()[name];
        var entry = grouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, specialization);

        var directory = Environment.GetEnvironmentVariable("MODAL_GPU_PTX_DIR");
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, name + ".ptx"), compiled.PTXAssembly);
        }

        Assert.Contains(".target sm_", compiled.PTXAssembly, StringComparison.Ordinal);
        if (barriers)
        {
            Assert.Contains("bar.sync", compiled.PTXAssembly, StringComparison.Ordinal);
        }

        // A .NET method ILGPU cannot map (MathF.FusedMultiplyAdd, say) becomes an unresolved external call.
        Assert.DoesNotContain(".extern .func", compiled.PTXAssembly, StringComparison.Ordinal);
    }

    /// <summary>Each kernel with the specialization the library loads it with.</summary>
    private static Dictionary<string, (MethodInfo Method, bool Grouped, bool Barriers, KernelSpecialization Specialization)> KernelMethods()
    {
        var gemm = typeof(GemmKernel).GetMethod(nameof(GemmKernel.Kernel))!;
        return new Dictionary<string, (MethodInfo, bool, bool, KernelSpecialization)>
        {
            ["gemm_vector"] = (gemm.MakeGenericMethod(typeof(VectorGemmLayout)), true, true, GemmKernel.Specialization),
            ["gemm_scalar"] = (gemm.MakeGenericMethod(typeof(ScalarGemmLayout)), true, true, GemmKernel.Specialization),
            ["cosine_scores"] = (typeof(CosineKernels).GetMethod(nameof(CosineKernels.Scores))!, true, true, CosineKernels.ScoreSpecialization),
            ["cosine_normalize"] = (typeof(CosineKernels).GetMethod(nameof(CosineKernels.Normalize))!, false, false, KernelSpecialization.Empty),
            ["cosine_pad_row"] = (typeof(CosineKernels).GetMethod(nameof(CosineKernels.PadRow))!, false, false, KernelSpecialization.Empty),
            ["cosine_tile_row"] = (typeof(CosineKernels).GetMethod(nameof(CosineKernels.TileRow))!, false, false, KernelSpecialization.Empty),
            ["topk"] = (typeof(TopKKernel).GetMethod(nameof(TopKKernel.Kernel))!, true, true, KernelSpecialization.Empty),
            ["topk_prefilter"] = (typeof(TopKKernel).GetMethod(nameof(TopKKernel.Prefilter))!, true, false, KernelSpecialization.Empty),
        };
    }
}
