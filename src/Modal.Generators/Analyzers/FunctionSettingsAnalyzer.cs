using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Modal.Generators.Diagnostics;
using Modal.Rules;

namespace Modal.Generators.Analyzers;

/// <summary>
/// Reports every configuration rule a <c>[Function]</c> or a <c>[Cls]</c> class breaks (MODAL050 and up). It reads the
/// attributes with the generator's own parser and judges them with the shared <see cref="FunctionRules"/>, the same code
/// the control plane runs on a manifest, so the IDE, the build and the runtime agree on what is valid and say it in the
/// same words.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FunctionSettingsAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property holding the corrected setting text when there is exactly one likely fix.</summary>
    public const string SuggestionProperty = "Suggestion";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.Rules;

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (ModalSymbols.Resolve(start.Compilation) is not { } symbols)
            {
                return;
            }

            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, symbols), SymbolKind.Method);
            if (symbols.Cls is not null)
            {
                start.RegisterSymbolAction(symbol => AnalyzeClass(symbol, symbols), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, ModalSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (ModalSymbols.Find(method, symbols.Function) is not { } function)
        {
            return;
        }

        var app = ModalSymbols.Find(method.ContainingType, symbols.App);
        var parser = new ModalGenerator.Parser(context.Compilation);
        var settings = parser.ReadSettings(method, function, app, context.CancellationToken);
        var input = ModalGenerator.Parser.RuleInput(ModalGenerator.Parser.FunctionName(method, function), settings, method);
        foreach (var violation in FunctionRules.Check(input))
        {
            Report(context, method, violation);
        }
    }

    private static void AnalyzeClass(SymbolAnalysisContext context, ModalSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (ModalSymbols.Find(type, symbols.Cls) is not { } cls)
        {
            return;
        }

        var (input, batched) = new ModalGenerator.Parser(context.Compilation).ReadClsRuleInput(type, cls, context.CancellationToken);
        foreach (var violation in FunctionRules.Check(input))
        {
            Report(context, SettingLocator.LocateOnClass(type, batched, violation.Setting, context.CancellationToken), violation);
        }
    }

    private static void Report(SymbolAnalysisContext context, IMethodSymbol method, RuleViolation violation) =>
        Report(context, SettingLocator.Locate(method, violation.Setting, context.CancellationToken), violation);

    private static void Report(SymbolAnalysisContext context, Location location, RuleViolation violation)
    {
        var properties = violation.Suggestion is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(SuggestionProperty, violation.Suggestion);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.ById(violation.Id), location, properties, violation.Message));
    }
}
