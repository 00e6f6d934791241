using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Modal.Generators.Diagnostics;

namespace Modal.CodeFixes;

/// <summary>
/// MODAL002: adds the <c>partial</c> modifier (and <c>static</c> when it is missing too) to an <c>[App]</c> class, so the
/// generated handles can join it. Not offered for the other causes of MODAL002 (a nested or generic class), whose fix
/// is a move the user has to choose.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AppClassModifiersCodeFixProvider)), Shared]
public sealed class AppClassModifiersCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "Modal.MakeAppClassStaticPartial";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.InvalidAppClass);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault();
            if (declaration is null || declaration.Parent is TypeDeclarationSyntax || declaration.TypeParameterList is not null)
            {
                continue;
            }

            var missingStatic = !declaration.Modifiers.Any(SyntaxKind.StaticKeyword);
            var missingPartial = !declaration.Modifiers.Any(SyntaxKind.PartialKeyword);
            if (!missingStatic && !missingPartial)
            {
                continue;
            }

            var title = missingStatic && missingPartial
                ? $"Make '{declaration.Identifier.ValueText}' static partial"
                : $"Make '{declaration.Identifier.ValueText}' {(missingStatic ? "static" : "partial")}";
            context.RegisterCodeFix(
                CodeAction.Create(title, cancellationToken => AddModifiersAsync(context.Document, declaration, cancellationToken), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> AddModifiersAsync(Document document, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var modifiers = editor.Generator.GetModifiers(declaration).WithIsStatic(true).WithPartial(true);
        editor.SetModifiers(declaration, modifiers);
        return editor.GetChangedDocument();
    }
}
