using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Modal.Generators;
using Modal.Generators.Analyzers;

namespace Modal.Bench;

/// <summary>
/// generator-500: what Modal's source generator and analyzers add to one compilation of an app with 500 functions. Each
/// iteration compiles the same parsed sources from a fresh compilation twice: plainly, and the way a build with Modal does
/// (run the generator, compile and emit its output with the user's code, run the analyzers). The figure is the difference
/// of the medians; the parts (generator run, analyzer callbacks, compiling the generated code) are printed too. Runs
/// in-process against the Roslyn the generator is built for, so no SDK build is timed. The app repeats ten function
/// shapes, and functions of one shape share a handle class; generator-500-distinct gives every function parameter names
/// of its own, so each gets its own class, the worst case for an app of that size.
/// </summary>
internal static class GeneratorBenchmark
{
    private const int Functions = 500;
    private const int FilesOfFunctions = 10;
    private const int WarmupIterations = 3;
    private const int Iterations = 11;

    public static Task<object> RunAsync() => RunAsync(distinct: false);

    public static Task<object> RunDistinctAsync() => RunAsync(distinct: true);

    private static async Task<object> RunAsync(bool distinct)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Sources(distinct).Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"BenchFunctions{i}.cs")).ToImmutableArray();
        var references = References();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release)
            .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]);
        ImmutableArray<DiagnosticAnalyzer> analyzers = [new FunctionSettingsAnalyzer(), new AppClassAnalyzer(), new ClsRulesAnalyzer()];

        CSharpCompilation Fresh() => CSharpCompilation.Create("BenchFunctions", trees, references, options);

        var plain = new List<double>();
        var modal = new List<double>();
        var generatorOnly = new List<double>();
        var analyzersOnly = new List<double>();
        var generatedCode = new List<double>();
        var generatedKb = new Dictionary<string, int>();
        // CPU time of the plain compile and of generator + compile (the analyzers, ~2 ms, left out): on a machine shared
        // with other builds it moves far less than wall time does.
        var plainCpu = new List<double>();
        var modalCpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < WarmupIterations + Iterations; i++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            EmitOrThrow(Fresh());
            var plainMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            process.Refresh();
            var plainCpuMs = (process.TotalProcessorTime - cpuStart).TotalMilliseconds;
            cpuStart = process.TotalProcessorTime;

            start = Stopwatch.GetTimestamp();
            GeneratorDriver driver = CSharpGeneratorDriver.Create([new ModalGenerator().AsSourceGenerator()], parseOptions: parseOptions);
            driver = driver.RunGeneratorsAndUpdateCompilation(Fresh(), out var output, out var generatorDiagnostics);
            var generatorMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            foreach (var tree in driver.GetRunResult().GeneratedTrees)
            {
                generatedKb[Path.GetFileName(tree.FilePath)] = tree.Length / 1024;
            }

            start = Stopwatch.GetTimestamp();
            EmitOrThrow(output);
            var outputMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            process.Refresh();
            var modalCpuMs = (process.TotalProcessorTime - cpuStart).TotalMilliseconds;

            // The compiler shares one compilation between emit and the analyzers, so what the analyzers add is their
            // own callbacks; their telemetry measures exactly that (a second, separate binding would be counted otherwise).
            var withAnalyzers = output.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
            var analyzerDiagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
            var analyzersMs = 0.0;
            foreach (var analyzer in analyzers)
            {
                analyzersMs += (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalMilliseconds;
            }

            if (generatorDiagnostics.Concat(analyzerDiagnostics).FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
            {
                throw new InvalidOperationException($"the benchmark app should be valid, but: {error}");
            }

            if (i >= WarmupIterations)
            {
                plain.Add(plainMs);
                modal.Add(generatorMs + outputMs + analyzersMs);
                generatorOnly.Add(generatorMs);
                analyzersOnly.Add(analyzersMs);
                generatedCode.Add(outputMs - plainMs);
                plainCpu.Add(plainCpuMs);
                modalCpu.Add(modalCpuMs);
            }
        }

        var plainMedian = Median(plain);
        var modalMedian = Median(modal);
        return new
        {
            scenario = distinct ? "generator-500-distinct" : "generator-500",
            ms = Math.Round(modalMedian - plainMedian, 1),
            functions = Functions,
            iterations = Iterations,
            compile_ms = Math.Round(plainMedian, 1),
            compile_with_modal_ms = Math.Round(modalMedian, 1),
            generator_ms = Math.Round(Median(generatorOnly), 1),
            analyzers_ms = Math.Round(Median(analyzersOnly), 1),
            generated_code_compile_ms = Math.Round(Median(generatedCode), 1),
            cpu_ms = Math.Round(Median(modalCpu) - Median(plainCpu), 1),
            generated_kb = generatedKb,
        };
    }

    private static void EmitOrThrow(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException($"the benchmark app does not compile: {result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error)}");
        }
    }

    private static double Median(List<double> samples)
    {
        samples.Sort();
        return samples[samples.Count / 2];
    }

    private static ImmutableArray<MetadataReference> References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(Modal.FunctionAttribute).Assembly.Location);
        paths.Add(typeof(Modal.FunctionHandle<,>).Assembly.Location);
        paths.Add(typeof(MessagePack.MessagePackSerializer).Assembly.Location);
        return paths.Distinct().Where(File.Exists).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    /// <summary>
    /// The app: one partial [App] class spread over several files, as a large project would be, with functions of every
    /// shape the generator handles (records, lists, async, settings, batching, concurrency, schedules) and a few user types.
    /// </summary>
    private static IEnumerable<string> Sources(bool distinct)
    {
        yield return """
            using System.Collections.Generic;
            using Modal;

            namespace BenchFunctions;

            public sealed record Point(int X, int Y);
            public sealed record Order(string Id, List<Point> Path, Dictionary<string, double> Prices, Status Status);
            public enum Status { New, Done }

            [App("bench-500", Image = nameof(Base))]
            public static partial class BenchFunctionsApp
            {
                static readonly Image Base = Image.DebianSlim().AptInstall("curl").Env("MODE", "bench");
            }
            """;

        var perFile = Functions / FilesOfFunctions;
        for (var file = 0; file < FilesOfFunctions; file++)
        {
            var text = new StringBuilder("""
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;
                using Modal;

                namespace BenchFunctions;

                public static partial class BenchFunctionsApp
                {

                """);
            for (var i = file * perFile; i < (file + 1) * perFile; i++)
            {
                text.AppendLine(distinct ? Distinct(Function(i), i) : Function(i));
            }

            yield return text.Append('}').ToString();
        }
    }

    /// <summary>The function with its index appended to each parameter name (<c>x</c> becomes <c>x7</c>).</summary>
    private static string Distinct(string function, int i)
    {
        var open = function.IndexOf('(', function.IndexOf(" public static ", StringComparison.Ordinal));
        var close = function.IndexOf(')', open);
        var parameters = function[(open + 1)..close].Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var value = p.IndexOf(" = ", StringComparison.Ordinal);
            var declaration = value < 0 ? p : p[..value];
            return declaration + i + (value < 0 ? "" : p[value..]);
        });
        var body = function[(close + 1)..];
        foreach (var p in function[(open + 1)..close].Split(", ", StringSplitOptions.RemoveEmptyEntries))
        {
            var declaration = p.Contains(" = ", StringComparison.Ordinal) ? p[..p.IndexOf(" = ", StringComparison.Ordinal)] : p;
            var name = declaration[(declaration.LastIndexOf(' ') + 1)..];
            body = System.Text.RegularExpressions.Regex.Replace(body, $@"\b{name}\b", name + i);
        }

        return function[..(open + 1)] + string.Join(", ", parameters) + ")" + body;
    }

    private static string Function(int i) => (i % 10) switch
    {
        0 => $"    [Function] public static int Square{i}(int x) => x * x;",
        1 => $"    [Function(Gpu = \"A100-80GB:2\", Timeout = 600, Retries = 3)] public static string Echo{i}(string s) => s;",
        2 => $"    [Function(MinContainers = 1, MaxContainers = 10, ScaledownWindow = 120)] public static Point Move{i}(Point p, int dx) => p with {{ X = p.X + dx }};",
        3 => $"    [Function, Concurrent(MaxInputs = 100, TargetInputs = 80)] public static async Task<string> Fetch{i}(string url, CancellationToken cancellationToken) {{ await Task.Delay(1, cancellationToken); return url; }}",
        4 => $"    [Function, Batched(MaxBatchSize = 8, WaitMs = 100)] public static Task<List<int>> Add{i}(List<int> xs, List<int> ys) => Task.FromResult(xs);",
        5 => $"    [Function, Retries(5, BackoffCoefficient = 2, InitialDelay = 1, MaxDelay = 30)] public static Order Price{i}(Order order) => order;",
        6 => $"    [Function, Cron(\"0 9 * * 1-5\", TimeZone = \"UTC\")] public static void Report{i}() {{ }}",
        7 => $"    [Function(Cpu = 2, Memory = 2048, Secrets = new[] {{ \"db\" }}), Volume(\"/data\", \"vol{i}\")] public static double Sum{i}(double[] values, Status status = Status.New) => values.Length;",
        8 => $"    [Function(Name = \"fn-{i}\")] public static ValueTask<Dictionary<string, List<Point>>> Group{i}(IReadOnlyList<Point> points) => new(new Dictionary<string, List<Point>>());",
        _ => $"    [Function] public static async IAsyncEnumerable<int> Count{i}(int n) {{ for (var k = 0; k < n; k++) {{ await Task.Yield(); yield return k; }} }}",
    };
}
