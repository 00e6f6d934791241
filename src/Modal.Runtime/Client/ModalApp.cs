using System.Runtime.InteropServices;
using Modal.ControlPlane;
using Modal.Dispatch;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal;

/// <summary>
/// Starts apps. With no server configured (<c>MODAL_SERVER_URL</c> unset) it starts the control plane inside this
/// process: gRPC on loopback, SQLite state under <c>.modal/</c>, and workers as local processes.
/// </summary>
public static class ModalApp
{
    /// <summary>Exit code of an entrypoint stopped with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = 130;

    /// <summary>How long an entrypoint gets to finish after Ctrl+C or SIGTERM before the app is stopped under it.</summary>
    internal static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Creates an ephemeral app from a generated registry and makes it the current app, so generated handles can call
    /// its functions. Dispose the result to stop the app and its containers.
    /// </summary>
    public static async Task<AppRun> RunAsync(IModalRegistry registry, ModalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        options ??= ModalOptions.FromEnvironment();
        ModalSerializer.Register(registry.Resolver);

        AppManifest manifest;
        try
        {
            manifest = AppManifest.Parse(registry.ManifestJson);
        }
        catch (FormatException ex)
        {
            throw new InvalidError(ex.Message, ex);
        }

        var assembly = registry.GetType().Assembly;
        var assemblyPath = assembly.Location;
        if (string.IsNullOrEmpty(assemblyPath))
        {
            throw new InvalidError(
                $"The app assembly {assembly.GetName().Name} has no file on disk (single-file publish or a dynamic assembly), so workers cannot load it. " +
                "Run the app from its build output (`dotnet run` or `dotnet <app>.dll`).");
        }

        var run = await StartAppAsync(manifest, registry.ManifestJson, assemblyPath, options, cancellationToken).ConfigureAwait(false);
        AppRun.Current = run;
        return run;
    }

    /// <summary>
    /// Creates an ephemeral (or, with <see cref="ModalOptions.Detach"/>, detached) app from a build output: on the
    /// configured server, else on an embedded control plane that lives as long as the returned run. Shared by
    /// <see cref="RunAsync"/> and the CLI's <c>modal run app::Function</c>, which has a manifest but no registry.
    /// </summary>
    internal static async Task<AppRun> StartAppAsync(AppManifest manifest, string manifestJson, string assemblyPath, ModalOptions options, CancellationToken cancellationToken)
    {
        ControlPlaneHost? host = null;
        ModalClient? client = null;
        try
        {
            var serverUrl = options.ServerUrl;
            if (serverUrl is null && options.Detach)
            {
                throw new InvalidError(
                    "A detached app (MODAL_DETACH, `modal run --detach`) needs a `modal server`: an embedded control plane ends with this process. " +
                    "Start one with `modal server`, or set MODAL_SERVER_URL with MODAL_TOKEN_ID and MODAL_TOKEN_SECRET.");
            }

            if (serverUrl is null)
            {
                host = await ControlPlaneHost.StartAsync(
                    new ControlPlaneOptions { StateDirectory = options.StateDirectory ?? Path.Combine(Directory.GetCurrentDirectory(), ".modal") },
                    cancellationToken).ConfigureAwait(false);
                serverUrl = host.Address;
            }

            client = new ModalClient(serverUrl, options);
            var request = new AppCreateRequest
            {
                Name = manifest.App,
                State = options.Detach ? AppState.Detached : AppState.Ephemeral,
                ArtifactDir = Path.GetDirectoryName(assemblyPath)!,
                AssemblyFile = Path.GetFileName(assemblyPath),
                ManifestJson = manifestJson,
                Environment = options.Environment,
            };
            request.Secrets.AddRange(options.Secrets.Select(s => s.Value.ToBinding(s.Key)));
            var created = await client.AppCreateAsync(request, cancellationToken).ConfigureAwait(false);

            var run = new AppRun
            {
                AppId = created.AppId,
                AppName = manifest.App,
                Client = client,
                FunctionIds = new Dictionary<string, string>(created.FunctionIds, StringComparer.Ordinal),
                WebUrls = new Dictionary<string, string>(created.WebUrls, StringComparer.Ordinal),
                EmbeddedHost = host,
                Detached = options.Detach,
            };
            run.StartHeartbeat();
            return run;
        }
        catch
        {
            client?.Dispose();
            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// What a generated program entry calls: runs the app, then <paramref name="entrypoint"/>, then stops the app.
    /// Returns the process exit code: 0 on success, 1 when the entrypoint failed (its message, and a remote exception's
    /// remote stack trace, go to stderr), <see cref="CancelledExitCode"/> when Ctrl+C or SIGTERM stopped it.
    /// </summary>
    public static async Task<int> RunEntrypointAsync(IModalRegistry registry, Func<CancellationToken, Task> entrypoint, ModalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(entrypoint);
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancelKey = (_, e) =>
        {
            // Keep the process alive so the app can stop its containers; a second Ctrl+C still kills it.
            e.Cancel = !cts.IsCancellationRequested;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancelKey;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cts.Cancel();
        });
        try
        {
            await using var run = await RunAsync(registry, options, cts.Token).ConfigureAwait(false);
            // As the reference's `modal run` does: the URLs are what a user opens while the entrypoint runs.
            foreach (var (function, url) in run.WebUrls.OrderBy(u => u.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"Created web function {function} => {url}");
            }

            var entry = entrypoint(cts.Token);
            await WaitUnlessCancelledAsync(entry, cts.Token).ConfigureAwait(false);
            await entry.ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped: the app was cancelled (Ctrl+C).").ConfigureAwait(false);
            return CancelledExitCode;
        }
        catch (RemoteException ex)
        {
            await Console.Error.WriteLineAsync(
                $"{ex.Message}{Environment.NewLine}Remote stack trace:{Environment.NewLine}{ex.RemoteStackTrace}" +
                (ex.RemoteInner is null ? "" : $"{Environment.NewLine}Inner: {ex.RemoteInner}")).ConfigureAwait(false);
            return 1;
        }
        catch (ModalException ex)
        {
            await Console.Error.WriteLineAsync($"Error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex)
        {
            // Not a platform error: the entrypoint's own code failed, and its stack trace is what the user needs.
            await Console.Error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancelKey;
        }
    }

    /// <summary>
    /// Waits for the entrypoint; after Ctrl+C or SIGTERM, only <see cref="CancelGrace"/> longer. An entrypoint that
    /// ignores its token would otherwise keep the process running (and its app's containers busy) until its work was
    /// done: the process seemed to hang on exit. Giving up stops the app, which ends the calls it still waits on.
    /// </summary>
    private static async Task WaitUnlessCancelledAsync(Task entry, CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(() => cancelled.TrySetResult()).ConfigureAwait(false))
        {
            if (await Task.WhenAny(entry, cancelled.Task).ConfigureAwait(false) == entry)
            {
                return;
            }
        }

        if (await Task.WhenAny(entry, Task.Delay(CancelGrace, CancellationToken.None)).ConfigureAwait(false) != entry)
        {
            // Observed here so its later failure (its calls end when the app stops) is not reported as unobserved.
            _ = entry.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
