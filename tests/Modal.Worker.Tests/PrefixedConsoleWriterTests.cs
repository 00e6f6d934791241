namespace Modal.Worker.Tests;

public sealed class PrefixedConsoleWriterTests
{
    [Fact]
    public void Lines_written_inside_an_input_carry_the_function_and_input_id()
    {
        var sink = new StringWriter();
        var writer = new PrefixedConsoleWriter(sink, 0, "Print");

        RunInScope(new InputLogScope("Print", "in-1"), () =>
        {
            writer.Write("hello ");
            writer.WriteLine("world");
            writer.WriteLine(42);
        });

        Assert.Equal("[Print in-1] hello world\n[Print in-1] 42\n", sink.ToString());
    }

    [Fact]
    public void Output_outside_any_input_is_prefixed_with_the_function_only()
    {
        var sink = new StringWriter();
        var writer = new PrefixedConsoleWriter(sink, 0, "Print");

        writer.WriteLine("loading");

        Assert.Equal("[Print] loading\n", sink.ToString());
    }

    [Fact]
    public void An_unfinished_line_is_written_when_its_input_completes()
    {
        var sink = new StringWriter();
        var writer = new PrefixedConsoleWriter(sink, 1, "Print");
        var scope = new InputLogScope("Print", "in-7");

        RunInScope(scope, () => writer.Write("no newline"));
        Assert.Equal("", sink.ToString());

        writer.Complete(scope);
        Assert.Equal("[Print in-7] no newline\n", sink.ToString());
    }

    [Fact]
    public void Carriage_returns_before_newlines_are_dropped_and_multi_line_writes_are_split()
    {
        var sink = new StringWriter();
        var writer = new PrefixedConsoleWriter(sink, 0, "F");

        RunInScope(new InputLogScope("F", "in-2"), () => writer.Write("a\r\nb\nc\n"));

        Assert.Equal("[F in-2] a\n[F in-2] b\n[F in-2] c\n", sink.ToString());
    }

    [Fact]
    public async Task Concurrent_inputs_never_interleave_within_a_line()
    {
        var sink = new StringWriter();
        var writer = new PrefixedConsoleWriter(sink, 0, "F");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            InputLogScope.Current = new InputLogScope("F", $"in-{i}");
            for (var n = 0; n < 200; n++)
            {
                // Written in pieces so that lines of different inputs would interleave if they were not buffered per input.
                writer.Write("x=");
                writer.Write(i);
                writer.Write(' ');
                writer.WriteLine(n);
            }
        })));

        var lines = sink.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8 * 200, lines.Length);
        foreach (var line in lines)
        {
            var id = line[(line.IndexOf(' ') + 4)..line.IndexOf(']')];
            Assert.StartsWith($"[F in-{id}] x={id} ", line);
        }
    }

    private static void RunInScope(InputLogScope scope, Action action)
    {
        // A separate execution context, as each input gets, so the scope does not leak into other tests.
        ExecutionContext.Run(ExecutionContext.Capture()!, _ =>
        {
            InputLogScope.Current = scope;
            action();
        }, null);
    }
}
