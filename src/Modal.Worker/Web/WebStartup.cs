using System.Reflection;
using Modal.Protocol;

namespace Modal.Worker.Web;

/// <summary>
/// Brings up a web function's server when its container starts, reports where it listens (ContainerWebReady) so the
/// gateway may forward requests to it, and takes it down when the container drains. Functions without a web
/// attribute get nothing from here.
/// </summary>
internal static class WebStartup
{
    /// <summary>
    /// How long in-flight requests get to finish once the container stops; then they are aborted. Matches Kestrel's
    /// own default shutdown timeout.
    /// </summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The started host, or null when the function is not a web function; throws when the server does not start.</summary>
    public static async Task<IWebFunctionHost?> StartAsync(
        ContainerClient client,
        ContainerHelloResponse hello,
        Assembly appAssembly,
        WorkerLog log,
        PrefixedConsoleWriter stdout,
        PrefixedConsoleWriter stderr,
        CancellationToken cancellationToken)
    {
        if (WebFunction.FromHello(hello, appAssembly) is not { } function)
        {
            return null;
        }

        var host = function.CreateHost(new WebHostOptions(log.Error, scope =>
        {
            stdout.Complete(scope);
            stderr.Complete(scope);
        }));
        try
        {
            var endpoint = await host.StartAsync(cancellationToken).ConfigureAwait(false);
            await client.WebReadyAsync(endpoint.Address.ToString(), endpoint.Port, cancellationToken).ConfigureAwait(false);
            log.Info($"web {function.Settings.Kind} '{function.Name}' serves http://{endpoint}");
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops accepting requests, lets in-flight ones finish (up to <see cref="DrainTimeout"/>), then releases the server.</summary>
    public static async Task StopAsync(IWebFunctionHost host, WorkerLog log)
    {
        using var timeout = new CancellationTokenSource(DrainTimeout);
        try
        {
            await host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.Error($"stopping the web server failed: {ex.GetType().FullName}: {ex.Message}");
        }
        finally
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }
}
