using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Modal.Generators.Diagnostics;
using Modal.Rules;

namespace Modal.Generators.Analyzers;

/// <summary>
/// Rules about a <c>[Cls]</c> class as a whole: all its methods share one container pool, so concurrency is a setting of
/// the class, and a batched method owns the class's containers alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClsRulesAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.ConcurrentOnClassMethod, Descriptors.BatchedClassHasOtherMethods);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (ModalSymbols.Resolve(start.Compilation) is not { Cls: not null } symbols)
            {
                return;
            }

            start.RegisterSymbolAction(symbol => AnalyzeClass(symbol, symbols), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeClass(SymbolAnalysisContext context, ModalSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (ModalSymbols.Find(type, symbols.Cls) is null)
        {
            return;
        }

        var methods = type.GetMembers().OfType<IMethodSymbol>()
            .Where(m => ModalSymbols.Find(m, symbols.Method) is not null || ModalSymbols.Find(m, symbols.Batched) is not null)
            .ToList();
        foreach (var method in methods)
        {
            if (ModalSymbols.Find(method, symbols.Concurrent) is { } concurrent)
            {
                var violation = SettingRules.ConcurrentOnClassMethod(type.Name, method.Name);
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.ById(violation.Id),
                    concurrent.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? method.Locations[0],
                    violation.Message));
            }

            if (methods.Count > 1 && ModalSymbols.Find(method, symbols.Batched) is { } batched)
            {
                var others = methods.Where(m => !SymbolEqualityComparer.Default.Equals(m, method)).Select(m => m.Name).ToList();
                var violation = SettingRules.BatchedClassHasOtherMethods(type.Name, method.Name, others);
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.ById(violation.Id),
                    batched.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? method.Locations[0],
                    violation.Message));
            }
        }
    }
}
