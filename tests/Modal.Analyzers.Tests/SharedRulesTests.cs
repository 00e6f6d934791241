using Modal.Rules;

namespace Modal.Analyzers.Tests;

/// <summary>The shared rules on their own: the values the analyzers and the control plane both judge.</summary>
public sealed class SharedRulesTests
{
    [Theory]
    [InlineData("A100-80G", "A100-80GB")]
    [InlineData("H10", "H100")]
    [InlineData("h100x", "H100")]
    [InlineData("A100-80G:2", "A100-80GB:2")]
    [InlineData("H100, L40SS", "H100, L40S")]
    [InlineData("T4, A100-80G, H200", "T4, A100-80GB, H200")]
    public void AMisspeltTypeGetsTheNearestName(string gpu, string suggestion)
    {
        Assert.False(GpuSpec.TryParse(gpu, out _, out var error, out var actual));
        Assert.Equal(suggestion, actual);
        Assert.Contains("Did you mean", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Quantum")]
    [InlineData("A100-60GB")] // as close to A100-40GB as to A100-80GB: no unambiguous fix
    [InlineData("H100:0")]
    [InlineData("H100,")]
    public void NoSuggestionWithoutOneLikelyFix(string gpu)
    {
        Assert.False(GpuSpec.TryParse(gpu, out _, out _, out var suggestion));
        Assert.Null(suggestion);
    }

    [Fact]
    public void AFallbackListKeepsItsOrder()
    {
        Assert.True(GpuSpec.TryParse("H100!, A100-80GB:2, any", out var requests, out var error, out _), error);
        Assert.Equal(["H100!", "A100-80GB:2", "any"], requests.Select(r => r.ToString()));
    }

    [Theory]
    [InlineData("H100:9", "at most 8 H100")]
    [InlineData("A10G:5", "at most 4 A10G")]
    [InlineData("H100:-1", "must be at least 1")]
    [InlineData("H100:two", "not a whole number")]
    [InlineData("L4!", "applies only to H100")]
    [InlineData("H100, H100!", "names H100 twice")]
    [InlineData(" ", "The GPU setting is empty")]
    public void GpuMessagesSayWhatIsWrong(string gpu, string expected)
    {
        Assert.False(GpuSpec.TryParse(gpu, out _, out var error, out _));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AValidFunctionHasNoViolations() =>
        Assert.Empty(FunctionRules.Check(new FunctionSettings
        {
            Name = "square",
            Gpu = "H100:2",
            Cpu = 2,
            CpuLimit = 4,
            MemoryMiB = 1024,
            TimeoutSeconds = 600,
            MaxRetries = 3,
            BackoffCoefficient = 2,
            InitialDelaySeconds = 1,
            MaxDelaySeconds = 60,
            MinContainers = 1,
            MaxContainers = 10,
            ScheduleKind = "cron",
            Cron = "0 9 * * 1-5",
            TimeZone = "America/New_York",
            Volumes = [new("/data", "vol")],
        }));

    [Fact]
    public void EveryBrokenRuleIsListedWithTheSettingAtFault()
    {
        var violations = FunctionRules.Check(new FunctionSettings
        {
            Name = "bad name",
            Gpu = "A100-80G",
            EphemeralDiskMiB = 3_145_729,
            StartupTimeoutSeconds = 0,
            MaxRetries = 2,
            WebKind = "endpoint",
            ScheduleKind = "period",
            PeriodSeconds = 0,
            ParameterCount = 1,
        });

        Assert.Equal(
            [
                ("MODAL060", "Function.Name"), ("MODAL050", "Function.Gpu"), ("MODAL053", "Function.EphemeralDisk"),
                ("MODAL055", "Function.StartupTimeout"), ("MODAL063", "Retries.MaxRetries"), ("MODAL059", "Period"), ("MODAL065", "Period"),
            ],
            violations.Select(v => (v.Id, v.Setting!)));
        Assert.Equal("A100-80GB", violations[1].Suggestion);
        Assert.StartsWith("StartupTimeout is 0 s", violations[3].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("* * * * * *", "has 6 fields")]
    [InlineData("60 * * * *", "in its minute field")]
    [InlineData("0 24 * * *", "in its hour field")]
    [InlineData("0 0 32 * *", "in its day-of-month field")]
    [InlineData("0 0 * 13 *", "in its month field")]
    [InlineData("0 0 * * 8", "in its day-of-week field")]
    public void ACronMessageNamesTheBrokenField(string cron, string expected)
    {
        var violation = SettingRules.Cron(cron);
        Assert.NotNull(violation);
        Assert.Equal(RuleIds.InvalidSchedule, violation.Id);
        Assert.Contains(expected, violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    [InlineData(null)]
    public void KnownTimeZonesPass(string? zone) => Assert.Null(SettingRules.TimeZone(zone));

    [Fact]
    public void AnUnknownTimeZoneIsNamed() =>
        Assert.Contains("\"Mars/Base\" is not a known time zone", SettingRules.TimeZone("Mars/Base")!.Message, StringComparison.Ordinal);

    [Fact]
    public void ClusteredCountsMustBeWholeClusters()
    {
        Assert.Null(SettingRules.Autoscaler(4, 8, 0, null, clusterSize: 4));
        Assert.Equal("Function.MaxContainers", SettingRules.Autoscaler(4, 6, null, null, clusterSize: 4)!.Setting);
    }
}
