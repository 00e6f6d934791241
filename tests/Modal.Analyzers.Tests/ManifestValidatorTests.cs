extern alias analyzers;

using Modal.Manifest;
using Modal.Rules;
using Verify = Modal.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<analyzers::Modal.Generators.Analyzers.FunctionSettingsAnalyzer>;

namespace Modal.Analyzers.Tests;

/// <summary>The runtime's check of a manifest: the same rules, the same words as the build.</summary>
public sealed class ManifestValidatorTests
{
    private static FunctionManifest Function(string name) => new() { Name = name, EntryKey = "App." + name };

    [Fact]
    public void AValidManifestHasNoViolations()
    {
        var manifest = new AppManifest
        {
            App = "hello",
            Assembly = "Hello",
            SchemaVersion = AppManifest.CurrentSchemaVersion,
            Functions =
            [
                Function("square") with
                {
                    Resources = new ResourcesManifest { Gpu = "H100:8", Cpu = 1, MemoryMiB = 512 },
                    TimeoutSeconds = 600,
                    Retries = new RetriesManifest { MaxRetries = 3 },
                    Autoscaler = new AutoscalerManifest { MinContainers = 0, MaxContainers = 10 },
                    Parameters = [new ParameterManifest { Name = "x", Type = "int" }],
                },
                Function("tick") with { Schedule = new ScheduleManifest { Kind = "cron", Cron = "*/5 * * * *", TimeZone = "UTC" } },
                Function("add") with
                {
                    Batching = new BatchingManifest { MaxBatchSize = 8, WaitMs = 100 },
                    Parameters = [new ParameterManifest { Name = "xs", Type = "global::System.Collections.Generic.List<int>" }],
                },
            ],
        };

        Assert.Empty(ManifestValidator.Validate(manifest));
    }

    [Fact]
    public void EachFunctionsViolationsAreAttributedToIt()
    {
        var manifest = new AppManifest
        {
            App = "hello",
            Assembly = "Hello",
            Functions =
            [
                Function("gpu") with { Resources = new ResourcesManifest { Gpu = "A100-80G" } },
                Function("cron") with { Schedule = new ScheduleManifest { Kind = "cron", Cron = "0 0 * * *", TimeZone = "Nowhere/City" } },
                Function("web") with { Web = new WebManifest { Kind = "endpoint" }, Retries = new RetriesManifest { MaxRetries = 1 } },
                Function("batch") with
                {
                    IsGenerator = true,
                    Batching = new BatchingManifest { MaxBatchSize = 2000, WaitMs = 0 },
                },
                Function("gpu"),
            ],
        };

        var violations = ManifestValidator.Validate(manifest);

        Assert.Equal(
            [("gpu", "MODAL050"), ("cron", "MODAL059"), ("web", "MODAL063"), ("batch", "MODAL058"), ("batch", "MODAL064"), ("gpu", "MODAL012")],
            violations.Select(v => (v.Function!, v.Id)));
        Assert.Equal("MODAL050: function 'gpu': Unknown GPU type \"A100-80G\". Did you mean \"A100-80GB\"? Known types: T4, L4, A10G, A100-40GB, A100-80GB, L40S, H100, H200, B200, any.", violations[0].ToString());
    }

    [Fact]
    public void AManifestFromJsonIsCheckedLikeOneFromTheBuild()
    {
        var manifest = AppManifest.Parse("""
            {
              "schemaVersion": 1, "app": "hello", "assembly": "Hello",
              "functions": [ { "name": "f", "entryKey": "Hello.f", "autoscaler": { "minContainers": 3, "maxContainers": 1 },
                               "volumes": [ { "mountPath": "relative", "name": "v" } ] } ]
            }
            """);

        Assert.Equal(["MODAL054", "MODAL062"], ManifestValidator.Validate(manifest).Select(v => v.Id));
    }

    /// <summary>The runtime's message for a setting is the analyzer's message for the same setting, word for word.</summary>
    [Fact]
    public async Task TheRuntimeAndTheIdeSayTheSameThing()
    {
        var runtime = ManifestValidator.Validate(Function("f") with { Concurrency = new ConcurrencyManifest { MaxInputs = 4, TargetInputs = 5 } });

        await Verify.VerifyAnalyzerAsync(
            FunctionSettingsAnalyzerTests.InApp("[Function(Name = \"f\"), Concurrent(MaxInputs = 4, TargetInputs = {|#0:5|})] public static int F(int x) => x;"),
            Verify.Diagnostic(Assert.Single(runtime).Id).WithLocation(0).WithArguments(runtime[0].Message));
    }
}
