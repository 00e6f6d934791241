using System.Net.Sockets;
using System.Reflection;
using System.Text;
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

    // sun_path holds 108 bytes with its terminating NUL; a longer temp path leaves the server on TCP only.
    private const int MaxUnixSocketPathBytes = 100;

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

        var socket = function.Settings.Kind == "server" ? null : CreateSocketDirectory(client.TaskId, log);
        var host = function.CreateHost(new WebHostOptions(log.Error, scope =>
        {
            stdout.Complete(scope);
            stderr.Complete(scope);
        }, socket));
        try
        {
            var endpoint = await host.StartAsync(cancellationToken).ConfigureAwait(false);
            if (socket is not null && host.UnixSocketPath is null)
            {
                DeleteSocketDirectory(socket);
            }

            await client.WebReadyAsync(endpoint.Address.ToString(), endpoint.Port, host.UnixSocketPath, cancellationToken).ConfigureAwait(false);
            var also = host.UnixSocketPath is { } path ? $" and web frames on unix:{path}" : "";
            log.Info($"web {function.Settings.Kind} '{function.Name}' serves http://{endpoint}{also}");
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            if (socket is not null)
            {
                DeleteSocketDirectory(socket);
            }

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
            if (host.UnixSocketPath is { } socket)
            {
                DeleteSocketDirectory(socket);
            }
        }
    }

    /// <summary>
    /// A socket path in a directory of the task's own under the temp directory, readable by this user only; null (TCP
    /// only) when the path would be too long for a Unix socket or the directory cannot be made.
    /// </summary>
    private static string? CreateSocketDirectory(string taskId, WorkerLog log)
    {
        var path = Modal.Gateway.WebFrameSocketPath.PathFor(Path.GetTempPath(), taskId);
        if (Encoding.UTF8.GetByteCount(path) > MaxUnixSocketPathBytes || !Socket.OSSupportsUnixDomainSockets)
        {
            return null;
        }

        try
        {
            var directory = Path.GetDirectoryName(path)!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Info($"no Unix socket for the web server ({ex.Message}); the gateway reaches it over TCP");
            return null;
        }
    }

    private static void DeleteSocketDirectory(string socket)
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(socket)!, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover directory in the temp directory harms nothing.
        }
    }
}
