using System.Text;
using System.Text.RegularExpressions;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

/// <summary>
/// Captures what the local backend relays from the workers' stdout. The capture starts before the app, so every worker
/// of this class writes through it.
/// </summary>
public sealed class CapturedOutputFixture : AppFixture
{
    private TextWriter? _original;

    public LineCapture Lines { get; } = new();

    public override async Task InitializeAsync()
    {
        _original = Console.Out;
        Lines.Forward = _original;
        Console.SetOut(Lines);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Console.SetOut(_original!);
    }

    public sealed class LineCapture : TextWriter
    {
        private readonly StringBuilder _text = new();

        public TextWriter? Forward { get; set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }

            Forward?.Write(value);
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }

            Forward?.Write(value);
        }

        public string[] Snapshot()
        {
            lock (_text)
            {
                return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        public async Task<string[]> WaitForAsync(Func<string[], bool> condition, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var lines = Snapshot();
                if (condition(lines) || DateTime.UtcNow > deadline)
                {
                    return lines;
                }

                await Task.Delay(50);
            }
        }
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class OutputTests(CapturedOutputFixture app) : IClassFixture<CapturedOutputFixture>
{
    [Fact]
    public async Task What_a_function_prints_reaches_the_caller_prefixed_with_function_and_input_id()
    {
        await Functions.Print.RemoteAsync("printed-7f3a");

        var lines = await app.Lines.WaitForAsync(l => l.Any(x => x.Contains("printed-7f3a")), TimeSpan.FromSeconds(10));
        var line = Assert.Single(lines, l => l.Contains("printed-7f3a"));
        Assert.Matches(new Regex(@"^\[Print in-[A-Za-z0-9_-]+\] printed-7f3a\r?$"), line);
    }

    [Fact]
    public async Task Spawn_map_runs_every_input_and_their_effects_become_visible()
    {
        string[] words = ["sm-alpha", "sm-beta", "sm-gamma"];
        await Functions.Print.SpawnMapAsync(words);

        var lines = await app.Lines.WaitForAsync(l => words.All(w => l.Any(x => x.EndsWith(w, StringComparison.Ordinal))), TimeSpan.FromSeconds(30));
        foreach (var word in words)
        {
            Assert.Contains(lines, l => Regex.IsMatch(l, $@"^\[Print in-[A-Za-z0-9_-]+\] {word}$"));
        }
    }
}
