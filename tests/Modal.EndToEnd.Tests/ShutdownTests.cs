using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class ShutdownTests
{
    [Fact]
    public async Task Disposing_the_app_leaves_none_of_its_workers_alive()
    {
        var stateDirectory = Path.Combine(Path.GetTempPath(), "modal-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        var run = await ModalApp.RunAsync(AppFixture.CreateRegistry(), new ModalOptions { StateDirectory = stateDirectory });
        IReadOnlyList<int> workers;
        try
        {
            Assert.Same(run, AppRun.Current);
            await Functions.Square.RemoteAsync(2);
            await Functions.Add.RemoteAsync(1, 2);
            workers = WorkerProcesses.ChildrenOf(Environment.ProcessId, run.ServerUrl);
            Assert.NotEmpty(workers);
        }
        finally
        {
            await run.DisposeAsync();
        }

        Assert.Null(AppRun.Current);
        Assert.DoesNotContain(workers, WorkerProcesses.IsAlive);
        Directory.Delete(stateDirectory, recursive: true);
    }

    [Fact]
    public async Task Workers_exit_when_the_client_that_started_them_is_killed_hard()
    {
        var stateDirectory = Path.Combine(Path.GetTempPath(), "modal-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        using var helper = HelperProcess.Start(new Dictionary<string, string?>(), "serve", stateDirectory);
        await helper.WaitForLineAsync("READY", TimeSpan.FromSeconds(60));
        var workers = WorkerProcesses.ChildrenOf(helper.Pid);
        Assert.NotEmpty(workers);

        helper.KillHard();

        var survivors = await WorkerProcesses.WaitForExitAsync(workers, TimeSpan.FromSeconds(20));
        Assert.Empty(survivors);
        Directory.Delete(stateDirectory, recursive: true);
    }

    [Fact]
    public async Task Calling_a_function_with_no_app_running_says_how_to_start_one()
    {
        Assert.Null(AppRun.Current);

        var error = await Assert.ThrowsAsync<InvalidError>(() => Functions.Square.RemoteAsync(1));
        Assert.Contains("RunAsync", error.Message);
    }
}
