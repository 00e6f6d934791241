namespace Modal.Generators.Tests.Verifiers;

/// <summary>
/// Compares generated text with a checked-in baseline. Set MODAL_UPDATE_BASELINES=1 to rewrite the baselines from the
/// current output instead (then review the diff).
/// </summary>
internal static class Baseline
{
    public static void Verify(string name, string actual)
    {
        var path = Path.Combine(GeneratorHarness.ProjectDirectory(), "Baselines", name);
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("MODAL_UPDATE_BASELINES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No baseline {path}; run the tests with MODAL_UPDATE_BASELINES=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = 0;
            while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
            {
                line++;
            }

            Assert.Fail(
                $"{name} differs from its baseline at line {line + 1}:\n" +
                $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "<end>")}\n" +
                $"  actual:   {(line < actualLines.Length ? actualLines[line] : "<end>")}\n" +
                "Run with MODAL_UPDATE_BASELINES=1 to accept the new output.");
        }
    }
}
