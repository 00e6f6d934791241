using Microsoft.CodeAnalysis;
using Modal.Generators.Tests.Verifiers;

namespace Modal.Generators.Tests;

public sealed class DiagnosticsTests
{
    [Fact]
    public void AnUnserializableMemberIsAnErrorThatNamesItsPath()
    {
        var (result, output) = Run("""
            using Modal;
            public sealed class Point { public int X { get; set; } public Owner Owner { get; set; } = new(); }
            public sealed class Owner { public object Tag { get; set; } = new(); }
            [App("hello")]
            public static partial class Hello
            {
                [Function] public static int Square(Point p) => p.X;
                [Function] public static int Ok(int x) => x;
            }
            """);

        var error = Single(result, "MODAL006");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.StartsWith("Hello.Square parameter 'p' -> Point.Owner -> Owner.Tag (object) cannot be serialized", error.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("Source0.cs", error.Location.GetLineSpan().Path);

        // The failing function gets no handle; the others still do, and everything else compiles.
        var handles = result.GeneratedSources.Single(s => s.HintName == "Hello.Functions.g.cs").SourceText.ToString();
        Assert.DoesNotContain("SquareHandle", handles, StringComparison.Ordinal);
        Assert.Contains("OkHandle", handles, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("System.Action", "delegates")]
    [InlineData("System.IDisposable", "interfaces other than")]
    [InlineData("dynamic", "dynamic")]
    [InlineData("Shape", "abstract")]
    [InlineData("NoCtor", "no accessible constructor")]
    [InlineData("System.Text.StringBuilder[]", "framework types")]
    [InlineData("System.Collections.Generic.List<Shape>", "abstract")]
    public void TypesWithoutAFixedShapeAreRejected(string type, string reason)
    {
        var (result, _) = Run($$"""
            using Modal;
            public abstract class Shape { }
            public sealed class NoCtor { private NoCtor() { } public int X { get; set; } }
            [App("hello")]
            public static partial class Hello
            {
                [Function] public static int Take({{type}} value) => 0;
            }
            """);

        Assert.Contains(reason, Single(result, "MODAL006").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AWellFormedClsClassCompilesWithoutDiagnostics()
    {
        var (result, output) = Run("""
            using System.Threading.Tasks;
            using Modal;
            [App("models")]
            public static partial class Models { }
            [Cls(Timeout = 60)]
            public class Model
            {
                [Parameter] public string Version { get; set; } = "v1";
                [Enter] public Task LoadAsync() => Task.CompletedTask;
                [Exit] public void Unload() { }
                [Method] public int Predict(int x) => x;
            }
            """);

        Assert.Empty(GeneratorHarness.Problems(result, output));
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Models.Classes.g.cs");
    }

    [Theory]
    [InlineData("[Method] public static int Predict(int x) => x;", "which is static")]
    [InlineData("[Parameter] public object Tag { get; set; } = 1; [Method] public int Predict(int x) => x;", "parameters key container pools")]
    [InlineData("[Enter] public int Load(string path) => 0; [Method] public int Predict(int x) => x;", "[Enter] hook 'Load'")]
    [InlineData("public int Predict(int x) => x;", "has no [Method]")]
    [InlineData("[Method] public System.Collections.Generic.IEnumerable<int> Stream() { yield return 1; }", "streaming methods of classes are not supported yet")]
    [InlineData("[Method, WebEndpoint] public int Predict(int x) => x;", "method 'Predict' marked [WebEndpoint], but methods of classes are not served over HTTP")]
    [InlineData("[Method] public int Predict(int x) => x; [WebServer(8000)] public void Serve() { }", "method 'Serve' marked [WebServer], but methods of classes are not served over HTTP")]
    public void AnInvalidClsClassIsReportedWithTheReason(string members, string reason)
    {
        var (result, _) = Run($$"""
            using Modal;
            [App("models")]
            public static partial class Models { }
            [Cls]
            public class Model
            {
                {{members}}
            }
            """);

        var error = Single(result, "MODAL007");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(reason, error.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AClsClassNamingAnotherAppIsAnError()
    {
        var (result, _) = Run("""
            using Modal;
            [App("models")]
            public static partial class Models { }
            [Cls(App = "elsewhere")]
            public class Model { [Method] public int Predict(int x) => x; }
            """);

        Assert.Contains("names app 'elsewhere'", Single(result, "MODAL007").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ANonConstantImageArgumentIsAnError()
    {
        const string source = """
            using Modal;
            [App("hello", Image = nameof(Img))]
            public static partial class Hello
            {
                static string Package = "curl";
                static readonly Image Img = Image.DebianSlim().AptInstall(Package);
                [Function] public static int Square(int x) => x;
            }
            """;
        var (result, _) = Run(source);

        var error = Single(result, "MODAL008");
        Assert.Contains("Argument 'packages' of image step 'AptInstall' must be a compile-time constant", error.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("Package", source.Substring(error.Location.SourceSpan.Start, error.Location.SourceSpan.Length));
    }

    [Fact]
    public void AnImageThatIsNotAStaticMemberIsAnError()
    {
        var (result, _) = Run("""
            using Modal;
            [App("hello")]
            public static partial class Hello
            {
                [Function(Image = "Missing")] public static int Square(int x) => x;
            }
            """);

        Assert.Contains("'Missing' names no static field or property", Single(result, "MODAL009").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AppClassesMustBeStaticPartialAndOnePerAssembly()
    {
        var (result, _) = Run("""
            using Modal;
            [App("a")] public static class NotPartial { [Function] public static int F(int x) => x; }
            [App("b")] public static partial class First { }
            [App("c")] public static partial class Second { }
            """);

        // MODAL002 comes from AppClassAnalyzer (tests/Modal.Analyzers.Tests), where the IDE can fix it; the generator skips the class.
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "MODAL002");
        Assert.Contains("'Second' is a second one", Single(result, "MODAL011").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionsMustBeStaticNonGenericMembersOfTheApp()
    {
        var (result, _) = Run("""
            using Modal;
            public static class Loose { [Function] public static int F(int x) => x; }
            [App("hello")]
            public static partial class Hello
            {
                [Function] public static T Generic<T>(T x) => x;
                [Function] public static void ByRef(ref int x) { }
                [Function] public static int Reserved(int orderOutputs) => orderOutputs;
                [Function(Name = "same")] public static int A(int x) => x;
                [Function(Name = "same")] public static int B(int x) => x;
                [Function, Batched(MaxBatchSize = 2)] public static int NotLists(int x) => x;
            }
            """);

        Assert.Contains("not marked [App]", Single(result, "MODAL001").GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'Generic' is generic", Single(result, "MODAL004").GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'x' of function 'ByRef' is passed by reference", Single(result, "MODAL005").GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'orderOutputs'", Single(result, "MODAL016").GetMessage(), StringComparison.Ordinal);
        Assert.Contains("named 'same'", Single(result, "MODAL012").GetMessage(), StringComparison.Ordinal);
        Assert.Contains("takes parameter 'x' of type int", result.Diagnostics.First(d => d.Id == "MODAL017").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void EntrypointParametersMustBeCommandLineValues()
    {
        var (result, _) = Run("""
            using Modal;
            public sealed record Point(int X);
            [App("hello")]
            public static partial class Hello
            {
                [LocalEntrypoint] public static void Main(Point p) { }
            }
            """);

        Assert.Contains("Parameter 'p' of entrypoint 'Main' has type Point", Single(result, "MODAL014").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConflictingSchedulesAreAnError()
    {
        var (result, _) = Run("""
            using Modal;
            [App("hello")]
            public static partial class Hello
            {
                [Function, Period(Minutes = 1), Cron("* * * * *")] public static void Tick() { }
            }
            """);

        Assert.Contains("has both [Period] and [Cron]", Single(result, "MODAL018").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void WebFunctionsMayReturnAspNetCoreTypesWhichHaveNoWireForm()
    {
        var (result, output) = Run("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;
            using Modal;
            [App("hello")]
            public static partial class Hello
            {
                [Function, WebApp] public static WebApplication Api() => WebApplication.CreateSlimBuilder().Build();
                [Function, WebApp] public static Task<RequestDelegate> Pipeline() => Task.FromResult<RequestDelegate>(c => Task.CompletedTask);
                [Function, WebEndpoint] public static ValueTask<IResult> Teapot(int x) => new(Results.StatusCode(418));
                [Function, WebServer(8000)] public static void Server() { }
                public static Task Call() => Functions.Api.RemoteAsync();
            }
            """);

        Assert.Empty(GeneratorHarness.Problems(result, output));
    }

    [Theory]
    [InlineData("[Function, WebApp] public static string Api() => \"\";", "returns string; return the application to serve")]
    [InlineData("[Function, WebApp] public static Microsoft.AspNetCore.Http.RequestDelegate Api(int port) => null!;", "takes parameter 'port'")]
    [InlineData("[Function, WebServer(8000)] public static int Server() => 1;", "returns int; it starts a server listening on its port")]
    public void WebFunctionsWithAShapeTheirKindCannotServeAreAnError(string function, string message)
    {
        var (result, _) = Run($$"""
            using Modal;
            [App("hello")]
            public static partial class Hello
            {
                {{function}}
            }
            """);

        Assert.Contains(message, Single(result, "MODAL019").GetMessage(), StringComparison.Ordinal);
    }

    private static (GeneratorRunResult Result, Compilation Output) Run(string source) =>
        GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));

    private static Diagnostic Single(GeneratorRunResult result, string id)
    {
        var matches = result.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matches.Count == 1, $"expected one {id}, got: {string.Join("; ", result.Diagnostics.Select(d => d.ToString()))}");
        return matches[0];
    }
}
