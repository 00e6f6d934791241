using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Modal.Generators;

/// <summary>
/// Silences CS0028 ("has the wrong signature to be an entry point") for a <c>[LocalEntrypoint]</c> named <c>Main</c>,
/// as in <c>static Task Main(int n = 10)</c>. The generated <c>ModalProgram.Main(string[])</c> is the program's entry;
/// the user's method is only called by it, so the compiler's hint does not apply, and with warnings as errors it would
/// break the build.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LocalEntrypointSuppressor : DiagnosticSuppressor
{
    internal static readonly SuppressionDescriptor WrongEntryPointSignature = new(
        "MODALSPR001",
        "CS0028",
        "A [LocalEntrypoint] is run by the generated program entry, not by the runtime directly.");

    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = ImmutableArray.Create(WrongEntryPointSignature);

    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        foreach (var diagnostic in context.ReportedDiagnostics)
        {
            var tree = diagnostic.Location.SourceTree;
            if (tree is null)
            {
                continue;
            }

            var node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan);
            var symbol = context.GetSemanticModel(tree).GetDeclaredSymbol(node, context.CancellationToken);
            if (symbol is IMethodSymbol method && ModalGenerator.Parser.FindAttribute(method, "LocalEntrypointAttribute") is not null)
            {
                context.ReportSuppression(Suppression.Create(WrongEntryPointSignature, diagnostic));
            }
        }
    }
}
