using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Modal.Analyzers.Tests.Verifiers;

/// <summary>
/// Applies <typeparamref name="TCodeFix"/> to the diagnostics of <typeparamref name="TAnalyzer"/> and compares the result;
/// the testing library also applies Fix All (document, project and solution scope) and checks it gives the same text.
/// </summary>
public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static DiagnosticResult Diagnostic(string id) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

    public static Task VerifyCodeFixAsync(string source, string fixedSource, bool withGenerator = false)
    {
        var test = new Test(withGenerator) { TestCode = source, FixedCode = fixedSource };
        return test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        private readonly bool _withGenerator;

        /// <param name="withGenerator">
        /// Also run Modal's source generator, for fixes of the generator's own diagnostics; its output is not compared.
        /// </param>
        public Test(bool withGenerator = false)
        {
            _withGenerator = withGenerator;
            ReferenceAssemblies = ModalTestReferences.None;
            TestState.AdditionalReferences.AddRange(ModalTestReferences.Assemblies);
            if (withGenerator)
            {
                TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            }
        }

        protected override IEnumerable<Type> GetSourceGenerators() =>
            _withGenerator ? [typeof(Modal.Generators.ModalGenerator)] : [];

        protected override CompilationOptions CreateCompilationOptions() =>
            ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

        protected override ParseOptions CreateParseOptions() =>
            ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);
    }
}
