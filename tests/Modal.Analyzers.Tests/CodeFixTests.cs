extern alias analyzers;

using Modal.CodeFixes;
using analyzers::Modal.Generators.Analyzers;
using GpuFix = Modal.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    analyzers::Modal.Generators.Analyzers.FunctionSettingsAnalyzer,
    Modal.CodeFixes.GpuSuggestionCodeFixProvider>;
using PartialFix = Modal.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    analyzers::Modal.Generators.Analyzers.AppClassAnalyzer,
    Modal.CodeFixes.AppClassModifiersCodeFixProvider>;

namespace Modal.Analyzers.Tests;

public sealed class CodeFixTests
{
    [Fact]
    public Task AMisspeltGpuBecomesTheNearestKnownType() => GpuFix.VerifyCodeFixAsync(
        """
        using Modal;
        [App("hello")]
        public static partial class Hello
        {
            [Function(Gpu = {|MODAL050:"A100-80G"|})] public static int F(int x) => x;
            [Function(Gpu = {|MODAL050:"h10:2"|})] public static int G(int x) => x;
        }
        """,
        """
        using Modal;
        [App("hello")]
        public static partial class Hello
        {
            [Function(Gpu = "A100-80GB")] public static int F(int x) => x;
            [Function(Gpu = "H100:2")] public static int G(int x) => x;
        }
        """);

    [Fact]
    public Task AMisspeltGpuOfAClsIsFixedToo() => GpuFix.VerifyCodeFixAsync(
        """
        using Modal;
        [Cls(Gpu = {|MODAL050:"H10:2"|})]
        public partial class Model { [Method] public int Predict(int x) => x; }
        """,
        """
        using Modal;
        [Cls(Gpu = "H100:2")]
        public partial class Model { [Method] public int Predict(int x) => x; }
        """);

    [Fact]
    public Task NoFixIsOfferedWithoutOneLikelyName() => GpuFix.VerifyCodeFixAsync(
        """
        using Modal;
        [App("hello")]
        public static partial class Hello
        {
            [Function(Gpu = {|MODAL050:"A100-60GB"|})] public static int F(int x) => x;
        }
        """,
        """
        using Modal;
        [App("hello")]
        public static partial class Hello
        {
            [Function(Gpu = {|MODAL050:"A100-60GB"|})] public static int F(int x) => x;
        }
        """);

    [Fact]
    public Task AnAppClassWithoutPartialGetsIt() => PartialFix.VerifyCodeFixAsync(
        """
        using Modal;
        [App("hello")]
        public static class {|MODAL002:Hello|}
        {
            [Function] public static int F(int x) => x;
        }

        [App("other")]
        internal class {|MODAL002:Other|}
        {
        }

        [App("third")]
        class {|MODAL002:Third|}
        {
        }
        """,
        """
        using Modal;
        [App("hello")]
        public static partial class Hello
        {
            [Function] public static int F(int x) => x;
        }

        [App("other")]
        internal static partial class Other
        {
        }

        [App("third")]
        static partial class Third
        {
        }
        """);

    [Fact]
    public Task NoFixIsOfferedForANestedAppClass() => PartialFix.VerifyCodeFixAsync(
        """
        using Modal;
        public static partial class Outer
        {
            [App("hello")]
            public static partial class {|MODAL002:Hello|}
            {
            }
        }
        """,
        """
        using Modal;
        public static partial class Outer
        {
            [App("hello")]
            public static partial class {|MODAL002:Hello|}
            {
            }
        }
        """);
}
