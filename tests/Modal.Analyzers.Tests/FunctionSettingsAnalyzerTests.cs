extern alias analyzers;

using Verify = Modal.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<analyzers::Modal.Generators.Analyzers.FunctionSettingsAnalyzer>;

namespace Modal.Analyzers.Tests;

/// <summary>
/// Each configuration rule with a case that fires (the markup marks where) and a case that does not. Members are placed
/// in a valid [App] class, so any diagnostic comes from the rule under test.
/// </summary>
public sealed class FunctionSettingsAnalyzerTests
{
    [Theory]
    [InlineData("""[Function(Gpu = {|MODAL050:"A100-80G"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"Quantum"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"H100:0"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"H100:-1"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"H100:9"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"A10G:5"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"H100:1.5"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"A100-80GB!"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:""|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"H100,"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"H100, A100-80GB, H100:2"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = {|MODAL050:"H100, H100!"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Cpu = {|MODAL051:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Cpu = {|MODAL051:-1|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Cpu = {|MODAL051:65|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Cpu = 2, CpuLimit = {|MODAL051:1|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(CpuLimit = {|MODAL051:100|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Memory = {|MODAL052:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Memory = {|MODAL052:400000|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Memory = 1024, MemoryLimit = {|MODAL052:512|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(EphemeralDisk = {|MODAL053:3145729|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(EphemeralDisk = {|MODAL053:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(MinContainers = {|MODAL054:3|}, MaxContainers = 2)] public static int F(int x) => x;""")]
    [InlineData("""[Function(MinContainers = {|MODAL054:-1|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(MaxContainers = {|MODAL054:-2|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(BufferContainers = {|MODAL054:-1|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(MaxContainers = {|MODAL054:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(ScaledownWindow = {|MODAL054:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(MinContainers = {|MODAL054:2|}), Clustered(Size = 4)] public static int F(int x) => x;""")]
    [InlineData("""[Function(MaxContainers = {|MODAL054:6|}), Clustered(Size = 4)] public static int F(int x) => x;""")]
    [InlineData("""[Function(BufferContainers = {|MODAL054:3|}), Clustered(Size = 2)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Timeout = {|MODAL055:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Timeout = {|MODAL055:86401|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(StartupTimeout = {|MODAL055:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Retries = {|MODAL056:-1|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Retries = {|MODAL056:11|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries({|MODAL056:-1|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries(3, BackoffCoefficient = {|MODAL056:0.5|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries(3, BackoffCoefficient = {|MODAL056:11|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries(3, InitialDelay = {|MODAL056:-1|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries(3, InitialDelay = {|MODAL056:61|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries(3, MaxDelay = {|MODAL056:0.5|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries(3, MaxDelay = {|MODAL056:61|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, {|MODAL057:Concurrent|}] public static int F(int x) => x;""")]
    [InlineData("""[Function, Concurrent(MaxInputs = {|MODAL057:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Concurrent(MaxInputs = 10, TargetInputs = {|MODAL057:11|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Batched(MaxBatchSize = {|MODAL058:0|})] public static List<int> F(List<int> x) => x;""")]
    [InlineData("""[Function, Batched(MaxBatchSize = {|MODAL058:1001|})] public static List<int> F(List<int> x) => x;""")]
    [InlineData("""[Function, Batched(MaxBatchSize = 8, WaitMs = {|MODAL058:-1|})] public static List<int> F(List<int> x) => x;""")]
    [InlineData("""[Function, Batched(MaxBatchSize = 8, WaitMs = {|MODAL058:600001|})] public static List<int> F(List<int> x) => x;""")]
    [InlineData("""[Function, {|MODAL059:Period|}] public static void F() { }""")]
    [InlineData("""[Function, {|MODAL059:Period(Seconds = -5)|}] public static void F() { }""")]
    [InlineData("""[Function, Cron({|MODAL059:"* * *"|})] public static void F() { }""")]
    [InlineData("""[Function, Cron({|MODAL059:"61 * * * *"|})] public static void F() { }""")]
    [InlineData("""[Function, Cron({|MODAL059:"0 25 * * *"|})] public static void F() { }""")]
    [InlineData("""[Function, Cron({|MODAL059:""|})] public static void F() { }""")]
    [InlineData("""[Function, Cron("0 9 * * 1-5", TimeZone = {|MODAL059:"Mars/Olympus_Mons"|})] public static void F() { }""")]
    [InlineData("""[Function(Name = {|MODAL060:"has space"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Name = {|MODAL060:""|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Name = {|MODAL060:"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Clustered(Size = {|MODAL061:0|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Clustered(Size = 2, Rdma = {|MODAL061:true|})] public static int F(int x) => x;""")]
    [InlineData("""[Function, Volume({|MODAL062:"data"|}, "vol")] public static int F(int x) => x;""")]
    [InlineData("""[Function, Volume({|MODAL062:"/"|}, "vol")] public static int F(int x) => x;""")]
    [InlineData("""[Function, Volume({|MODAL062:"/tmp"|}, "vol")] public static int F(int x) => x;""")]
    [InlineData("""[Function, Volume({|MODAL062:"/root/"|}, "vol")] public static int F(int x) => x;""")]
    [InlineData("""[Function, Volume("/data", "a"), Volume({|MODAL062:"/data/"|}, "b")] public static int F(int x) => x;""")]
    [InlineData("""[Function, Volume("/data", "a"), Volume("/more", {|MODAL062:"a"|})] public static int F(int x) => x;""")]
    [InlineData("""[Function(Retries = {|MODAL063:2|}), WebEndpoint] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries({|MODAL063:2|}), WebServer(8000)] public static void F() { }""")]
    [InlineData("""[Function(Retries = {|MODAL063:1|})] public static async IAsyncEnumerable<int> F(int n) { await Task.Yield(); yield return n; }""")]
    [InlineData("""[Function, {|MODAL064:Batched(MaxBatchSize = 4)|}] public static async IAsyncEnumerable<int> F(List<int> xs) { await Task.Yield(); yield return xs.Count; }""")]
    [InlineData("""[Function, Batched(MaxBatchSize = 4), {|MODAL064:Concurrent(MaxInputs = 2)|}] public static List<int> F(List<int> xs) => xs;""")]
    [InlineData("""[Function, Batched(MaxBatchSize = 4)] public static List<int> F(List<int> xs, List<int>? ys = {|MODAL064:null|}) => xs;""")]
    [InlineData("""[Function, {|MODAL065:Period(Minutes = 1)|}] public static void F(int x) { }""")]
    [InlineData("""[Function, {|MODAL065:Cron("0 * * * *")|}] public static void F(string a, int b) { }""")]
    [InlineData("""[Function(MaxInputs = {|MODAL068:0|})] public static int F(int x) => x;""")]
    public Task RuleFires(string member) => Verify.VerifyAnalyzerAsync(InApp(member));

    [Theory]
    [InlineData("""[Function(Gpu = "H100")] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = "H100!")] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = "A100-80GB:2")] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = "a100")] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = "A10G:4")] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = "B200:8")] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = "H100, A100-80GB:2, any")] public static int F(int x) => x;""")]
    [InlineData("""[Function(Cpu = 0.5)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Cpu = 64, CpuLimit = 64)] public static int F(int x) => x;""")]
    [InlineData("""[Function(CpuLimit = 4)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Memory = 1024, MemoryLimit = 2048)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Memory = 344064)] public static int F(int x) => x;""")]
    [InlineData("""[Function(EphemeralDisk = 3145728)] public static int F(int x) => x;""")]
    [InlineData("""[Function(MinContainers = 1, MaxContainers = 2, BufferContainers = 1, ScaledownWindow = 1)] public static int F(int x) => x;""")]
    [InlineData("""[Function(MinContainers = 0, MaxContainers = 8, BufferContainers = 4), Clustered(Size = 4)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Timeout = 1, StartupTimeout = 86400)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Timeout = 86400)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Retries = 0)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Retries = 10)] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries(3, BackoffCoefficient = 10, InitialDelay = 0, MaxDelay = 60)] public static int F(int x) => x;""")]
    [InlineData("""[Function, Retries(3, BackoffCoefficient = 1, InitialDelay = 60, MaxDelay = 1)] public static int F(int x) => x;""")]
    [InlineData("""[Function, Concurrent(MaxInputs = 10, TargetInputs = 10)] public static int F(int x) => x;""")]
    [InlineData("""[Function, Concurrent(MaxInputs = 1)] public static int F(int x) => x;""")]
    [InlineData("""[Function, Batched(MaxBatchSize = 1000, WaitMs = 600000)] public static List<int> F(List<int> x) => x;""")]
    [InlineData("""[Function, Batched(MaxBatchSize = 1, WaitMs = 0)] public static Task<List<int>> F(List<int> x, List<int> y) => Task.FromResult(x);""")]
    [InlineData("""[Function, Period(Minutes = 5)] public static void F() { }""")]
    [InlineData("""[Function, Period(Seconds = 0.5)] public static void F(CancellationToken cancellationToken) { }""")]
    [InlineData("""[Function, Cron("0 9 * * 1-5")] public static void F() { }""")]
    [InlineData("""[Function, Cron("*/15 0-6 1,15 JAN-JUN MON", TimeZone = "Europe/Berlin")] public static void F() { }""")]
    [InlineData("""[Function, Cron("@daily", TimeZone = "UTC")] public static void F() { }""")]
    [InlineData("""[Function(Name = "my-func_1.v2")] public static int F(int x) => x;""")]
    [InlineData("""[Function, Clustered(Size = 2)] public static int F(int x) => x;""")]
    [InlineData("""[Function(Gpu = "H100:8"), Clustered(Size = 2, Rdma = true)] public static int F(int x) => x;""")]
    [InlineData("""[Function, Volume("/data", "a"), Volume("/models", "b"), Volume("/root/cache", "c")] public static int F(int x) => x;""")]
    [InlineData("""[Function, WebEndpoint] public static int F(int x) => x;""")]
    [InlineData("""[Function(Retries = 0), WebEndpoint] public static int F(int x) => x;""")]
    [InlineData("""[Function] public static async IAsyncEnumerable<int> F(int n) { await Task.Yield(); yield return n; }""")]
    [InlineData("""[Function, Batched(MaxBatchSize = 4)] public static List<int> F(List<int> xs, CancellationToken cancellationToken = default) => xs;""")]
    [InlineData("""[Function, Concurrent(MaxInputs = 2)] public static async IAsyncEnumerable<int> F(int n) { await Task.Yield(); yield return n; }""")]
    [InlineData("""[Function(MaxInputs = 1)] public static int F(int x) => x;""")]
    [InlineData("""public static int NotAFunction([System.ComponentModel.DefaultValue(0)] int x) => x;""")]
    public Task RuleDoesNotFire(string member) => Verify.VerifyAnalyzerAsync(InApp(member));

    [Fact]
    public Task ACodeFixHasASuggestionOnlyWhenTheNameIsClose() => Verify.VerifyAnalyzerAsync(InApp("""
        [Function(Gpu = {|#0:"A100-80G"|})] public static int F(int x) => x;
        [Function(Gpu = {|#1:"Quantum"|})] public static int G(int x) => x;
        """),
        Verify.Diagnostic("MODAL050").WithLocation(0).WithArguments(
            "Unknown GPU type \"A100-80G\". Did you mean \"A100-80GB\"? Known types: T4, L4, A10G, A100-40GB, A100-80GB, L40S, H100, H200, B200, any."),
        Verify.Diagnostic("MODAL050").WithLocation(1).WithArguments(
            "Unknown GPU type \"Quantum\". Known types: T4, L4, A10G, A100-40GB, A100-80GB, L40S, H100, H200, B200, any."));

    [Fact]
    public Task ACronMessageNamesTheField() => Verify.VerifyAnalyzerAsync(InApp("""
        [Function, Cron({|#0:"0 25 * * *"|})] public static void F() { }
        """),
        Verify.Diagnostic("MODAL059").WithLocation(0).WithArguments(
            "[Cron] expression \"0 25 * * *\" is invalid in its hour field: Value must be a number between 0 and 23 (all inclusive). The five fields are minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1-5\"."));

    [Fact]
    public Task SeveralRulesOfOneFunctionAreAllReported() => Verify.VerifyAnalyzerAsync(InApp("""
        [Function(Gpu = {|MODAL050:"T5"|}, Timeout = {|MODAL055:0|}, MinContainers = {|MODAL054:5|}, MaxContainers = 1)]
        public static int F(int x) => x;
        """));

    [Fact]
    public Task FunctionsOutsideAnAppAreCheckedToo() => Verify.VerifyAnalyzerAsync("""
        using Modal;
        public static class Loose
        {
            [Function(Timeout = {|MODAL055:-1|})] public static int F(int x) => x;
        }
        """);

    [Fact]
    public Task ACompilationWithoutModalIsLeftAlone()
    {
        var test = new Verify.Test { TestCode = "public static class C { public static int F(int x) => x; }" };
        test.TestState.AdditionalReferences.Clear();
        test.TestState.AdditionalReferences.AddRange(Verifiers.ModalTestReferences.Framework);
        return test.RunAsync();
    }

    [Theory]
    [InlineData("""[Cls(Gpu = {|MODAL050:"A100-80G"|})] public partial class Model { [Method] public int Predict(int x) => x; }""")]
    [InlineData("""[Cls(Timeout = {|MODAL055:0|}, MinContainers = {|MODAL054:4|}, MaxContainers = 2)] public partial class Model { [Method] public int Predict(int x) => x; }""")]
    [InlineData("""[Cls, Concurrent(MaxInputs = 4, TargetInputs = {|MODAL057:8|})] public partial class Model { [Method] public int Predict(int x) => x; }""")]
    [InlineData("""[Cls(Retries = {|MODAL056:11|})] public partial class Model { [Method] public int Predict(int x) => x; }""")]
    [InlineData("""[Cls, Retries(2, MaxDelay = {|MODAL056:90|})] public partial class Model { [Method] public int Predict(int x) => x; }""")]
    [InlineData("""[Cls] public partial class Model { [Method, Batched(MaxBatchSize = 4, WaitMs = {|MODAL058:-1|})] public List<int> Predict(List<int> xs) => xs; }""")]
    [InlineData("""[Cls] public partial class Model { [Method, Batched(MaxBatchSize = 4)] public List<int> Predict(List<int> xs, List<int>? ys = {|MODAL064:null|}) => xs; }""")]
    [InlineData("""[Cls(Name = {|MODAL060:"my model"|})] public partial class Model { [Method] public int Predict(int x) => x; }""")]
    public Task ClsSettingsFollowTheSameRules(string type) => Verify.VerifyAnalyzerAsync(WithUsings(type));

    [Theory]
    [InlineData("""[Cls(Gpu = "A100-80GB", Timeout = 600, MinContainers = 1, MaxContainers = 4), Concurrent(MaxInputs = 4)] public partial class Model { [Method] public int Predict(int x) => x; }""")]
    [InlineData("""[Cls] public partial class Model { [Method, Batched(MaxBatchSize = 4, WaitMs = 10)] public List<int> Predict(List<int> xs) => xs; }""")]
    public Task ValidClsSettingsAreNotReported(string type) => Verify.VerifyAnalyzerAsync(WithUsings(type));

    internal static string WithUsings(string code) => $$"""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Modal;

        {{code}}
        """;

    internal static string InApp(string members) => $$"""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Modal;

        [App("test")]
        public static partial class TestApp
        {
            {{members}}
        }
        """;
}
