using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class ClassTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Each_set_of_parameters_gets_its_own_pool_whose_containers_keep_their_state()
    {
        var a = Classes.Counter.With(label: "a", start: 10);
        var b = Classes.Counter.With(label: "b", start: 100);

        Assert.Equal(11, await a.Increment.RemoteAsync(1));
        Assert.Equal(105, await b.Increment.RemoteAsync(5));
        Assert.Equal(13, await a.Increment.RemoteAsync(2));

        var describedA = (await a.DescribeAsync.RemoteAsync()).Split('|');
        var describedB = (await b.DescribeAsync.RemoteAsync()).Split('|');
        Assert.Equal(["a", "13"], describedA[..2]);
        Assert.Equal(["b", "105"], describedB[..2]);
        // [Enter] ran in the container that serves the calls, and the two pools have different containers.
        Assert.Equal(describedA[2], describedA[3]);
        Assert.Equal(describedB[2], describedB[3]);
        Assert.NotEqual(describedA[3], describedB[3]);
    }

    [Fact]
    public async Task An_exception_in_enter_fails_the_input_with_that_error()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(() => Classes.BrokenSetup.With().Ping.RemoteAsync());

        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Contains("setup exploded", error.Message);
    }

    [Fact]
    public async Task Exit_runs_when_an_idle_container_scales_down()
    {
        using var scratch = new Scratch();
        var journal = scratch.File("journal.txt");

        var container = await Classes.ShortLived.With(journal: journal).Touch.RemoteAsync();

        // The class scales down one second after its last input; its [Exit] hook then writes to the journal.
        var deadline = DateTime.UtcNow + Scratch.Patience;
        while (!(await File.ReadAllTextAsync(journal)).Contains("exit", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal([$"enter {container}", $"exit {container}"], await File.ReadAllLinesAsync(journal));
    }

    [Fact]
    public async Task Cls_FromName_with_parameters_works_from_another_process_and_reaches_the_same_pool()
    {
        using var helper = HelperProcess.Start(
            new Dictionary<string, string?> { ["MODAL_SERVER_URL"] = app.Run.ServerUrl.ToString() },
            "cls", "shared", "7");

        Assert.Equal("7", await helper.WaitForLineAsync("RESULT ", Scratch.Patience));
        Assert.StartsWith("shared|7|", await helper.WaitForLineAsync("DESCRIBE ", Scratch.Patience));
        Assert.Equal(0, await helper.WaitForExitAsync(Scratch.Patience));

        // The same parameter values from this process land in the pool the helper used, whose container kept its count.
        var typed = Cls.FromName<Classes.CounterCls>("testapp", "Counter").With(label: "shared");
        Assert.Equal(8, await typed.Increment.RemoteAsync(1));
    }
}

/// <summary>The [Exit] hook runs when its container shuts down; this class stops its own app to see it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClassLifecycleTests
{
    [Fact]
    public async Task Enter_runs_before_the_first_input_and_exit_at_container_shutdown()
    {
        using var scratch = new Scratch();
        var journal = scratch.File("journal.txt");
        var stateDirectory = scratch.File("state");
        var run = await ModalApp.RunAsync(AppFixture.CreateRegistry(), new ModalOptions { StateDirectory = stateDirectory });
        try
        {
            var counter = Classes.Counter.With(label: "journal", journal: journal);
            Assert.Equal(1, await counter.Increment.RemoteAsync(1));
            Assert.Equal(2, await counter.Increment.RemoteAsync(1));
            Assert.Equal(["enter"], (await File.ReadAllLinesAsync(journal)).Select(l => l.Split(' ')[0]));
        }
        finally
        {
            await run.DisposeAsync();
        }

        var lines = await File.ReadAllLinesAsync(journal);
        Assert.Equal(["enter", "exit"], lines.Select(l => l.Split(' ')[0]));
        Assert.Equal(lines[0].Split(' ')[1], lines[1].Split(' ')[1]);
    }
}
