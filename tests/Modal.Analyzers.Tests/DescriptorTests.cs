extern alias analyzers;

using System.Reflection;
using System.Runtime.CompilerServices;
using analyzers::Modal.Generators.Analyzers;
using analyzers::Modal.Generators.Diagnostics;
using Modal.Rules;

namespace Modal.Analyzers.Tests;

/// <summary>Every ID has one descriptor, a help link, a docs page and a release-tracking line.</summary>
public sealed class DescriptorTests
{
    private static readonly string Repo = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", ".."));

    public static TheoryData<string> AllIds()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in Descriptors.Generator.Concat(Descriptors.Rules))
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllIds))]
    public void EachIdHasAHelpLinkAPageAndAReleaseEntry(string id)
    {
        var descriptor = Descriptors.ById(id);
        Assert.Equal(DiagnosticIds.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        var page = Path.Combine(Repo, "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing");
        Assert.StartsWith($"# {id}: ", File.ReadAllText(page), StringComparison.Ordinal);
        Assert.Contains($"\n{id} | Modal | Error |", File.ReadAllText(Path.Combine(Repo, "src", "Modal.Generators", "AnalyzerReleases.Unshipped.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRuleIdIsADiagnosticIdAndIsReportedBySomeAnalyzer()
    {
        var ruleIds = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToHashSet();
        var diagnosticIds = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.NonPublic)
            .Where(f => f.Name != nameof(DiagnosticIds.HelpLinkBase)).Select(f => (string)f.GetValue(null)!).ToHashSet();
        Assert.Subset(diagnosticIds, ruleIds);

        var supported = new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new FunctionSettingsAnalyzer(), new AppClassAnalyzer(), new ClsRulesAnalyzer() }
            .SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.Subset(supported, Descriptors.Rules.Select(d => d.Id).ToHashSet());
        Assert.Equal(diagnosticIds.Count, Descriptors.Generator.Length + Descriptors.Rules.Length);
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
