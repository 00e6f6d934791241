extern alias analyzers;

using AppVerify = Modal.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<analyzers::Modal.Generators.Analyzers.AppClassAnalyzer>;
using ClsVerify = Modal.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<analyzers::Modal.Generators.Analyzers.ClsRulesAnalyzer>;

namespace Modal.Analyzers.Tests;

public sealed class ClassRulesAnalyzerTests
{
    [Theory]
    [InlineData("""[App("a")] public static class {|#0:A|} { }""", "add the 'partial' modifier so the generated members can join it")]
    [InlineData("""[App("a")] public partial class {|#0:A|} { }""", "add the 'static' modifier")]
    [InlineData("""[App("a")] public static partial class {|#0:A|}<T> { }""", "remove its type parameters")]
    [InlineData("""public static partial class Outer { [App("a")] public static partial class {|#0:A|} { } }""", "it is nested in another type")]
    [InlineData("""[App("")] public static partial class {|#0:A|} { }""", "its app name is empty; write [App(\"my-app\")]")]
    public Task AnInvalidAppClassIsReported(string source, string problem) => AppVerify.VerifyAnalyzerAsync(
        "using Modal;\n" + source,
        AppVerify.Diagnostic("MODAL002").WithLocation(0).WithArguments("A", problem));

    [Fact]
    public Task AValidAppClassIsNotReported() => AppVerify.VerifyAnalyzerAsync("""
        using Modal;
        [App("a")] public static partial class A { }
        public class NotAnApp { }
        """);

    [Fact]
    public Task ConcurrentOnAMethodOfAClsIsReported() => ClsVerify.VerifyAnalyzerAsync("""
        using Modal;
        [Cls]
        public partial class Model
        {
            [Method, {|MODAL066:Concurrent(MaxInputs = 4)|}] public int Predict(int x) => x;
        }
        """);

    [Fact]
    public Task ConcurrentOnTheClsClassIsFine() => ClsVerify.VerifyAnalyzerAsync("""
        using Modal;
        [Cls, Concurrent(MaxInputs = 4)]
        public partial class Model
        {
            [Method] public int Predict(int x) => x;
            [Method] public int Other(int x) => x;
        }
        """);

    [Fact]
    public Task ABatchedMethodWithOtherMethodsIsReported() => ClsVerify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Modal;
        [Cls]
        public partial class Model
        {
            [Method, {|MODAL067:Batched(MaxBatchSize = 4)|}] public List<int> Predict(List<int> xs) => xs;
            [Method] public int Other(int x) => x;
            [Enter] public void Load() { }
        }
        """);

    [Fact]
    public Task ABatchedMethodAloneWithHooksIsFine() => ClsVerify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Modal;
        [Cls]
        public partial class Model
        {
            [Method, Batched(MaxBatchSize = 4)] public List<int> Predict(List<int> xs) => xs;
            [Enter] public void Load() { }
            [Exit] public void Unload() { }
            public int Helper(int x) => x;
        }
        """);
}
