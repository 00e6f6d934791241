using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Modal.Generators.Model;

namespace Modal.Generators;

/// <summary>
/// Generates, for the <c>[App]</c> class of an assembly: typed function handles and argument records, handles and
/// lifecycles of its <c>[Cls]</c> classes, MessagePack formatters for every type the signatures reach, a direct-dispatch
/// registry with the build manifest, and the program entry of a <c>[LocalEntrypoint]</c>. This file holds the pipeline only; see the Parser and Emitter parts.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ModalGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var apps = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "Modal.AppAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                Parser.ParseApp)
            .WithTrackingName(StepNames.Apps);

        var functions = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "Modal.FunctionAttribute",
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseFunction)
            .WithTrackingName(StepNames.Functions);

        var entrypoints = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "Modal.LocalEntrypointAttribute",
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseEntrypoint)
            .WithTrackingName(StepNames.Entrypoints);

        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "Modal.ClsAttribute",
                static (node, _) => node is TypeDeclarationSyntax,
                Parser.ParseCls)
            .WithTrackingName(StepNames.Classes);

        var assemblyName = context.CompilationProvider
            .Select(static (compilation, _) => compilation.AssemblyName ?? "")
            .WithTrackingName(StepNames.AssemblyName);

        var generation = apps.Collect()
            .Combine(functions.Collect())
            .Combine(entrypoints.Collect())
            .Combine(classes.Collect())
            .Combine(assemblyName)
            .Select(static (input, _) => Parser.BuildGeneration(
                input.Left.Left.Left.Left, input.Left.Left.Left.Right, input.Left.Left.Right, input.Left.Right, input.Right))
            .WithTrackingName(StepNames.Generation);

        context.RegisterSourceOutput(apps, static (spc, result) => Report(spc, result.Diagnostics));
        context.RegisterSourceOutput(functions, static (spc, result) => Report(spc, result.Diagnostics));
        context.RegisterSourceOutput(entrypoints, static (spc, result) => Report(spc, result.Diagnostics));
        context.RegisterSourceOutput(classes, static (spc, result) => Report(spc, result.Diagnostics));
        context.RegisterSourceOutput(generation, static (spc, result) =>
        {
            Report(spc, result.Diagnostics);
            if (result.Model is { } model)
            {
                Emitter.Emit(spc, model);
            }
        });
    }

    private static void Report(SourceProductionContext context, Helpers.EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}
