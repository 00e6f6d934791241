using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Modal.Generators.Diagnostics;

namespace Modal.Generators.Analyzers;

/// <summary>
/// MODAL002: an <c>[App]</c> class must be a top-level, non-generic <c>static partial</c> class with a name. The generator
/// applies the same check (<see cref="ModalGenerator.Parser.AppProblem"/>) and emits nothing for such a class; the
/// diagnostic comes from here because an analyzer's diagnostic sits in the source tree, where the IDE offers the code fix
/// that adds the modifiers.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AppClassAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvalidAppClass);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (ModalSymbols.Resolve(start.Compilation) is not { App: not null } symbols)
            {
                return;
            }

            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, symbols), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, ModalSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (ModalSymbols.Find(type, symbols.App) is not { } app ||
            ModalGenerator.Parser.AppProblem(type, app) is not { } problem)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.InvalidAppClass,
            type.Locations.FirstOrDefault() ?? Location.None,
            type.Name,
            problem));
    }
}
