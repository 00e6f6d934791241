using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Modal.Generators.Tests.Verifiers;

/// <summary>Compiles test sources against the real Modal assemblies and runs the generator over them.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "TestAssembly",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            Options(OutputKind.DynamicallyLinkedLibrary));

    /// <summary>What the SDK passes: nullable on, and no warnings about the framework's assembly versions unifying.</summary>
    public static CSharpCompilationOptions Options(OutputKind kind) =>
        new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]);

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new ModalGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns its result and the compilation with the generated sources added.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>Errors and warnings of the compilation after generation (generator diagnostics included).</summary>
    public static IReadOnlyList<Diagnostic> Problems(GeneratorRunResult result, Compilation output) =>
        result.Diagnostics.Concat(output.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();

    /// <summary>The test project's source directory, where baselines live.</summary>
    public static string ProjectDirectory() => Path.GetDirectoryName(Path.GetDirectoryName(ThisFile()))!;

    private static string ThisFile([CallerFilePath] string path = "") => path;

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(Modal.AppAttribute).Assembly.Location);
        paths.Add(typeof(Modal.FunctionHandle<,>).Assembly.Location);
        paths.Add(typeof(MessagePack.MessagePackSerializer).Assembly.Location);
        paths.Add(typeof(MessagePack.Nil).Assembly.Location);
        return paths.Distinct().Where(File.Exists).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}
