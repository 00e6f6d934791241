using System.Globalization;

namespace Modal.GpuBench;

/// <summary>Command-line options; every size has the default the goals are stated for.</summary>
internal sealed record BenchOptions
{
    public IReadOnlyList<int> GemmSizes { get; init; } = [4096, 8192];

    public int Rows { get; init; } = 1_000_000;

    public int Dimension { get; init; } = 768;

    public int K { get; init; } = 10;

    public int Queries { get; init; } = 16;

    public int Iterations { get; init; } = 10;

    public bool RunGemm { get; init; } = true;

    public bool RunTopK { get; init; } = true;

    /// <summary>Run on ILGPU's CPU accelerator when there is no GPU: only for checking the program itself, with small sizes.</summary>
    public bool AllowCpu { get; init; }

    public const string Usage = """
        Modal.GpuBench: GEMM and cosine top-k on the GPU, one JSON line per case.
          --gemm-sizes 4096,8192   square GEMM sizes (m = n = k)
          --rows 1000000           embedding rows for top-k
          --dim 768                embedding dimension
          --k 10                   results per query
          --queries 16             queries per search (one pass over the matrix per 16)
          --iterations 10          timed repetitions per case (after one warm-up)
          --only gemm|topk         run one case
          --allow-cpu              run on the CPU accelerator when there is no GPU (tiny sizes only)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.\n{Usage}");
            int Int() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v
                : throw new ArgumentException($"{name} needs a positive whole number.\n{Usage}");
            options = name switch
            {
                "--gemm-sizes" => options with { GemmSizes = Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() },
                "--rows" => options with { Rows = Int() },
                "--dim" => options with { Dimension = Int() },
                "--k" => options with { K = Int() },
                "--queries" => options with { Queries = Int() },
                "--iterations" => options with { Iterations = Int() },
                "--only" => Value() switch
                {
                    "gemm" => options with { RunTopK = false },
                    "topk" => options with { RunGemm = false },
                    var other => throw new ArgumentException($"--only takes gemm or topk, not {other}.\n{Usage}"),
                },
                "--allow-cpu" => options with { AllowCpu = true },
                "--help" or "-h" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown option {name}.\n{Usage}"),
            };
        }

        return options;
    }
}
