using System.Diagnostics;

namespace Modal.EndToEnd.Tests;

/// <summary>
/// SIGTERM (or Ctrl+C) ends a client whose entrypoint ignores its cancellation token: the generated program entry waits a
/// short grace for the entrypoint, then stops the app under it and exits with 130, instead of running on until the
/// entrypoint's work is done.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EntrypointCancellationTests : IDisposable
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "modal-e2e-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Sigterm_stops_a_client_whose_entrypoint_ignores_its_token()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            // SIGTERM is a Unix signal; Windows has no way to send one to a console process.
            return;
        }

        using var helper = HelperProcess.Start(new Dictionary<string, string?>(), "stubborn", _stateDirectory);
        await helper.WaitForLineAsync("RUNNING", Scratch.Patience);

        using (var kill = Process.Start("kill", ["-TERM", helper.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        // The entrypoint would wait 5 minutes; the client must be gone well before that.
        Assert.Equal(ModalApp.CancelledExitCode, await helper.WaitForExitAsync(Scratch.Patience));
        Assert.Contains("Stopped: the app was cancelled", helper.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }
}
