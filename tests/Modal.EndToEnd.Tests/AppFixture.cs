using System.Reflection;
using Modal.Dispatch;

namespace Modal.EndToEnd.Tests;

/// <summary>
/// Runs the test app on a fresh embedded control plane with its own state directory, for one test class, and stops
/// it (with its workers) when the class is done.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "modal-e2e-" + Guid.NewGuid().ToString("N")[..12]);

    public AppRun Run { get; private set; } = null!;

    /// <summary>The test app's generated registry, found the way the worker finds it: through its assembly attribute.</summary>
    public static IModalRegistry CreateRegistry()
    {
        var attribute = typeof(global::Modal.TestApp.TestApp).Assembly.GetCustomAttribute<ModalRegistryAttribute>()
            ?? throw new InvalidOperationException("Modal.TestApp has no [assembly: ModalRegistry]; is the generator referenced?");
        return (IModalRegistry)Activator.CreateInstance(attribute.RegistryType, nonPublic: true)!;
    }

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(StateDirectory);
        Run = await ModalApp.RunAsync(CreateRegistry(), new ModalOptions { StateDirectory = StateDirectory });
    }

    public virtual async Task DisposeAsync()
    {
        await Run.DisposeAsync();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean from the temp folder.
        }
    }
}
