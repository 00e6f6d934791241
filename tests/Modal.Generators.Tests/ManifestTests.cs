using Modal.Generators.Tests.RoundTrip;
using Modal.Manifest;

namespace Modal.Generators.Tests;

/// <summary>The manifest the generator built into <see cref="RoundTripApp"/>, read back with the runtime's parser.</summary>
public sealed class ManifestTests
{
    private static readonly AppManifest Manifest = AppManifest.Parse(RoundTripApp.ModalRegistry.ManifestJsonConstant);

    private static FunctionManifest Function(string name) => Manifest.Functions.Single(f => f.Name == name);

    [Fact]
    public void TheAppAndItsFunctionsAreListed()
    {
        Assert.Equal(AppManifest.CurrentSchemaVersion, Manifest.SchemaVersion);
        Assert.Equal("roundtrip", Manifest.App);
        Assert.Equal("Modal.Generators.Tests", Manifest.Assembly);
        Assert.Contains("fail-loudly", Manifest.Functions.Select(f => f.Name));
        Assert.Equal("Modal.Generators.Tests.RoundTrip.RoundTripApp.fail-loudly", Function("fail-loudly").EntryKey);
        Assert.Empty(Manifest.Entrypoints);
        Assert.Equal(RoundTripApp.ModalRegistry.ManifestJsonConstant, RoundTripApp.ModalRegistry.Instance.ManifestJson);
    }

    [Fact]
    public void WrittenSettingsAreRecordedAndUnwrittenOnesAreAbsent()
    {
        var square = Function("Square");
        Assert.Equal(60, square.TimeoutSeconds);
        Assert.Equal(new RetriesManifest { MaxRetries = 2, BackoffCoefficient = 1, InitialDelaySeconds = 1, MaxDelaySeconds = 1 }, square.Retries);
        Assert.Equal(new ResourcesManifest { Gpu = "T4", Cpu = 0.5, MemoryMiB = 256 }, square.Resources);
        Assert.Equal(["app-secret", "fn-secret"], square.Secrets);
        Assert.Null(square.Autoscaler);
        Assert.Null(square.Concurrency);
        Assert.Null(square.StartupTimeoutSeconds);
        Assert.Null(square.RestrictModalAccess);
        Assert.Equal("int", square.ReturnType);
        Assert.Equal([new ParameterManifest { Name = "x", Type = "int" }], square.Parameters);

        var bytes = Function("Bytes");
        Assert.Null(bytes.TimeoutSeconds);
        Assert.Null(bytes.Resources);
        Assert.Null(bytes.Retries);
        Assert.Equal(["app-secret"], bytes.Secrets);
        Assert.Equal([new VolumeManifest { MountPath = "/data", Name = "my-volume" }], bytes.Volumes);
    }

    [Fact]
    public void RetriesAutoscalerAndConcurrencyAttributesAreRecorded()
    {
        var concat = Function("Concat");
        Assert.Equal(new RetriesManifest { MaxRetries = 3, BackoffCoefficient = 1.5, InitialDelaySeconds = 1, MaxDelaySeconds = 60 }, concat.Retries);
        Assert.Equal(new AutoscalerManifest { MinContainers = 1, MaxContainers = 4, ScaledownWindowSeconds = 30 }, concat.Autoscaler);
        Assert.Equal(new ConcurrencyManifest { MaxInputs = 10, TargetInputs = 8 }, concat.Concurrency);
        Assert.True(concat.Parameters.Single(p => p.Name == "separator").HasDefault);
    }

    [Fact]
    public void ImagesAreReadFromTheFluentChain()
    {
        var square = Function("Square").Image!;
        Assert.Equal(["debian_slim", "apt_install", "env"], square.Steps.Select(s => s.Kind));
        Assert.Equal(["curl", "git"], square.Steps[1].Args);
        Assert.Equal(["MODE", "test"], square.Steps[2].Args);
        Assert.All(square.Steps, s => Assert.Null(s.ForceBuild));

        // GpuImage extends BaseImage with another static member: the chain is followed through it.
        var concat = Function("Concat").Image!;
        Assert.Equal(["debian_slim", "apt_install", "env", "run_commands"], concat.Steps.Select(s => s.Kind));
        Assert.Equal(["echo hi"], concat.Steps[3].Args);
        Assert.True(concat.Steps[3].ForceBuild);
    }

    [Fact]
    public void ShapesSchedulesBatchingAndWebAreRecorded()
    {
        var countTo = Function("CountTo");
        Assert.True(countTo.IsGenerator);
        Assert.True(countTo.IsAsync);
        Assert.Equal("int", countTo.ReturnType);
        Assert.Equal(["n"], countTo.Parameters.Select(p => p.Name));

        Assert.True(Function("ProcessAsync").IsAsync);
        Assert.Equal("global::Modal.Generators.Tests.RoundTrip.Order", Function("ProcessAsync").ReturnType);
        Assert.Equal("void", Function("Ping").ReturnType);
        Assert.Equal("global::System.Collections.Generic.List<int>", Function("Double").Parameters[0].Type);
        Assert.Equal(new BatchingManifest { MaxBatchSize = 4, WaitMs = 10 }, Function("Double").Batching);

        Assert.Equal(new ScheduleManifest { Kind = "cron", Cron = "0 * * * *", TimeZone = "Europe/Paris" }, Function("Hourly").Schedule);
        Assert.Equal(new ScheduleManifest { Kind = "period", PeriodSeconds = 3630 }, Function("Periodic").Schedule);
        Assert.Equal(new WebManifest { Kind = "endpoint", Method = "POST", Docs = true }, Function("Periodic").Web);
    }

    [Fact]
    public void GeneratorImageKindsMatchTheRuntimes()
    {
        var runtime = typeof(ImageStepKinds).GetFields().ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);
        var generator = typeof(ModalGenerator.Parser.ImageStepKinds).GetFields().ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

        Assert.Equal(runtime.OrderBy(p => p.Key), generator.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData("{\n  \"app\": \"plain\"\n}")]
    [InlineData("quote \" backslash \\ newline \n return \r tab \t nul \0 line\u2028para\u2029next\u0085 accent \u00e9 emoji \U0001F600")]
    public void TheManifestLiteralReadsBackAsTheManifestText(string text)
    {
        var literal = (Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax)Microsoft.CodeAnalysis.CSharp.SyntaxFactory.ParseExpression(ModalGenerator.Emitter.ManifestLiteral(text));

        Assert.Empty(literal.GetDiagnostics());
        Assert.Equal(text, literal.Token.ValueText);
    }
}
