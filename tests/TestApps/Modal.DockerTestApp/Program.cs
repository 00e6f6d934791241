using Modal.ControlPlane;

namespace Modal.DockerTestApp;

/// <summary>
/// A control plane that a test kills with SIGKILL: `hold-container STATE_DIR` runs this app on the docker backend,
/// keeps one container busy, prints `READY app-id`, and waits to be killed, leaving an orphaned container behind.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["hold-container", var stateDirectory])
        {
            await Console.Error.WriteLineAsync("usage: Modal.DockerTestApp hold-container STATE_DIR");
            return 2;
        }

        var host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { StateDirectory = stateDirectory, BackendKind = "docker" });
        var run = await DockerTestApp.RunAsync(new ModalOptions { ServerUrl = host.Address, StateDirectory = stateDirectory });
        await DockerTestApp.Functions.Sleep.SpawnAsync(600_000);
        Console.WriteLine($"READY {run.AppId}");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
