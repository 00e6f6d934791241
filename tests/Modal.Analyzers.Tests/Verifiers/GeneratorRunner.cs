extern alias analyzers;

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using analyzers::Modal.Generators;
using analyzers::Modal.Generators.Analyzers;

namespace Modal.Analyzers.Tests.Verifiers;

/// <summary>Runs the generator and the analyzers together, the way one build does.</summary>
internal static class GeneratorRunner
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(Modal.FunctionAttribute).Assembly.Location);
        paths.Add(typeof(Modal.FunctionHandle<,>).Assembly.Location);
        paths.Add(typeof(MessagePack.MessagePackSerializer).Assembly.Location);
        return paths.Distinct().Where(File.Exists).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } =
        [new FunctionSettingsAnalyzer(), new AppClassAnalyzer(), new ClsRulesAnalyzer()];

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "TestAssembly",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new ModalGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>
    /// Generates, then compiles the result with the analyzers: the generator's run, and every error or warning of the
    /// build (compiler, generator and analyzers).
    /// </summary>
    public static async Task<(GeneratorRunResult Run, IReadOnlyList<Diagnostic> Problems)> BuildAsync(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var run = driver.GetRunResult().Results.Single();
        var diagnostics = await output.WithAnalyzers(Analyzers).GetAllDiagnosticsAsync();
        var problems = run.Diagnostics.Concat(diagnostics).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        return (run, problems);
    }
}
