using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Modal.Auth;
using Modal.Deployments;
using Modal.Gateway;
using Modal.Schedules;
using Modal.Backends;
using Modal.Backends.Docker;
using Modal.Scheduling;
using Modal.Storage;

namespace Modal.ControlPlane;

/// <summary>
/// The control plane as a hosted gRPC service: the client API, the container API, the scheduler and the backend.
/// Embedded mode starts one in the client's process on a random loopback port; <c>modal server</c> runs it long-lived.
/// </summary>
public sealed class ControlPlaneHost : IAsyncDisposable
{
    private WebApplication? _web;
    private Scheduler? _scheduler;
    private IStateStore? _store;
    private IContainerBackend? _ownedBackend;
    private PlatformServices? _platform;
    private ScheduleRunner? _schedules;
    private WebGateway? _gateway;
    private int _disposed;

    /// <summary>The http://127.0.0.1:PORT address clients and workers connect to.</summary>
    public required Uri Address { get; init; }

    /// <summary>
    /// The web gateway's address, <c>http://127.0.0.1:PORT</c>. Endpoints are routed by host name
    /// (<c>{workspace}--{app}-{function}.localhost:PORT</c>), so a request to this address must carry the endpoint's Host.
    /// </summary>
    public Uri WebBaseAddress { get; private init; } = null!;

    /// <summary>Server mode's plain HTTP/1.1 address (the JWKS at <c>/.well-known/jwks.json</c>); null for an embedded control plane.</summary>
    public Uri? HttpAddress { get; private init; }

    /// <summary>
    /// Server mode, first start: creates the default workspace and its admin token, and returns them; null when the
    /// server already has tokens (or is not in server mode).
    /// </summary>
    public Task<TokenCredentials?> BootstrapAsync(CancellationToken cancellationToken = default) =>
        _platform is null ? Task.FromResult<TokenCredentials?>(null) : _platform.BootstrapAsync(cancellationToken);

    internal PlatformServices? Platform => _platform;

    internal Scheduler Scheduler => _scheduler ?? throw new ObjectDisposedException(nameof(ControlPlaneHost));

    /// <summary>
    /// Opens the state in <see cref="ControlPlaneOptions.StateDirectory"/>, recovers spawned work of deployed apps, and
    /// listens on 127.0.0.1 with cleartext HTTP/2 (h2c) only.
    /// </summary>
    public static async Task<ControlPlaneHost> StartAsync(ControlPlaneOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stateDirectory = Path.GetFullPath(options.StateDirectory);
        Directory.CreateDirectory(stateDirectory);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        IStateStore? store = null;
        IContainerBackend? ownedBackend = null;
        Scheduler? scheduler = null;
        WebApplication? web = null;
        PlatformServices? platform = null;
        ScheduleRunner? schedules = null;
        WebGateway? gateway = null;
        try
        {
            if (options.ServerMode is { } serverMode)
            {
                platform = await PlatformServices.OpenAsync(stateDirectory, serverMode, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                var services = platform;
                options = options with
                {
                    ContainerEnvironment = platform,
                    // The scheduler exists by the time a container writes anything.
                    ContainerOutput = (taskId, isError, line) => services.RecordContainerOutput(scheduler, taskId, isError, line),
                };
            }
            else
            {
                // Embedded: the only secrets are the ones the app binds (Secret.FromDict/FromDotenv).
                options = options with { ContainerEnvironment = new Modal.Secrets.BoundSecretEnvironment() };
            }

            store = await SqliteStateStore.OpenAsync(Path.Combine(stateDirectory, "state.db"), cancellationToken).ConfigureAwait(false);
            var blobs = new BlobStore(Path.Combine(stateDirectory, "blobs"));
            var backend = options.Backend ?? (ownedBackend = await BackendSelection.CreateAsync(options, loggerFactory, cancellationToken).ConfigureAwait(false));
            if (backend is DockerBackend docker && options.ContainerOutput is { } output)
            {
                // Created here or handed in by the host's owner, its containers' output feeds `modal app logs`.
                docker.Output ??= output;
            }

            scheduler = new Scheduler(options, store, blobs, backend);
            if (platform is not null)
            {
                scheduler.OwnerOf = platform.OwnerOf;
            }

            // Before the API listens, so every URL an AppCreate answers with names the gateway's real port.
            gateway = new WebGateway(scheduler, platform, loggerFactory);
            await gateway.StartAsync(options.WebPort, loggerFactory, cancellationToken).ConfigureAwait(false);
            scheduler.WebPort = gateway.Port;
            var deployments = platform is null ? null : new DeploymentService(scheduler, platform, stateDirectory, loggerFactory.CreateLogger<DeploymentService>());
            schedules = platform is null ? null : new ScheduleRunner(scheduler, platform, loggerFactory.CreateLogger<ScheduleRunner>());
            web = BuildWeb(options, scheduler, loggerFactory, (backend as DockerBackend)?.ControlSocketPath, platform, deployments, schedules);
            await web.StartAsync(cancellationToken).ConfigureAwait(false);
            if (backend is DockerBackend { ControlSocketPath: var socket } && !OperatingSystem.IsWindows())
            {
                // Containers may run as any user their image names; the token, not the socket's mode, guards the API.
                File.SetUnixFileMode(socket, (UnixFileMode)0b110_110_110);
            }
            var address = BoundAddress(web);
            var httpAddress = platform is null ? null : BoundAddress(web, index: 1);
            if (platform is not null)
            {
                platform.IssuerUrl = address;
            }

            await scheduler.StartAsync(address, cancellationToken).ConfigureAwait(false);
            if (deployments is not null)
            {
                await deployments.ResumeRetirementsAsync(cancellationToken).ConfigureAwait(false);
            }

            if (schedules is not null)
            {
                await schedules.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            return new ControlPlaneHost
            {
                Address = address,
                HttpAddress = httpAddress,
                WebBaseAddress = new Uri($"http://127.0.0.1:{gateway.Port}"),
                _gateway = gateway,
                _platform = platform,
                _schedules = schedules,
                _web = web,
                _scheduler = scheduler,
                _store = store,
                _ownedBackend = ownedBackend,
            };
        }
        catch
        {
            if (schedules is not null)
            {
                await schedules.DisposeAsync().ConfigureAwait(false);
            }

            await Release(scheduler, web, ownedBackend, store).ConfigureAwait(false);
            if (gateway is not null)
            {
                await gateway.DisposeAsync().ConfigureAwait(false);
            }

            if (platform is not null)
            {
                await platform.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Stops every container this control plane started, then the server, then closes the state.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_schedules is not null)
        {
            await _schedules.DisposeAsync().ConfigureAwait(false);
        }

        await Release(_scheduler, _web, _ownedBackend, _store).ConfigureAwait(false);
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync().ConfigureAwait(false);
        }

        if (_platform is not null)
        {
            await _platform.DisposeAsync().ConfigureAwait(false);
        }

        _scheduler = null;
    }

    private static WebApplication BuildWeb(ControlPlaneOptions options, Scheduler scheduler, ILoggerFactory loggerFactory, string? unixSocket, PlatformServices? platform, DeploymentService? deployments, ScheduleRunner? schedules)
    {
        // The empty builder reads no appsettings.json, environment or command line: an embedded control plane must not
        // pick up the host application's configuration, and it adds no console logger.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Modal.ControlPlane" });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http2);
            if (options.ServerMode is { } serverMode)
            {
                kestrel.Listen(IPAddress.Loopback, serverMode.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            }

            if (unixSocket is not null)
            {
                // Containers without a network (BlockNetwork) reach the control plane through this socket, mounted into them.
                kestrel.ListenUnixSocket(unixSocket, listen => listen.Protocols = HttpProtocols.Http2);
            }
            var limits = kestrel.Limits;
            // Output streams stay open while calls run and may be idle for long; rate minimums would cut them.
            limits.MinRequestBodyDataRate = null;
            limits.MinResponseDataRate = null;
            limits.MaxRequestBodySize = null;
            // One client connection multiplexes every in-flight remote call and map of a process.
            limits.Http2.MaxStreamsPerConnection = 10_000;
            limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
            limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
            limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(60);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = false;
            grpc.IgnoreUnknownServices = true;
            // Inline payloads go up to 2 MiB each and a chunk carries many inputs; blobs cover anything bigger.
            grpc.MaxReceiveMessageSize = 256 * 1024 * 1024;
            grpc.MaxSendMessageSize = null;
            grpc.Interceptors.Add<ModalErrorInterceptor>();
            if (platform is not null)
            {
                // After the error interceptor, so its AuthError and NotFoundError reach clients as typed errors.
                grpc.Interceptors.Add<AuthInterceptor>();
            }
        });
        builder.Services.AddSingleton(scheduler);
        if (platform is not null && deployments is not null && schedules is not null)
        {
            builder.Services.AddSingleton(platform);
            builder.Services.AddSingleton(deployments);
            builder.Services.AddSingleton(schedules);
        }

        var web = builder.Build();
        web.UseRouting();
        web.MapGrpcService<ModalApiService>();
        web.MapGrpcService<ContainerApiService>();
        if (platform is not null)
        {
            web.MapGrpcService<PlatformApiService>();
            web.MapGet(IdentityTokenIssuer.JwksPath, () => Results.Text(platform.Issuer.JwksJson(), "application/json"));
        }

        return web;
    }

    private static Uri BoundAddress(WebApplication web, int index = 0)
    {
        var server = web.Services.GetRequiredService<IServer>();
        // TCP addresses come in the order of the Listen calls: gRPC first, then server mode's HTTP listener.
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Where(a => a.StartsWith("http://", StringComparison.Ordinal) && !a.Contains("unix:", StringComparison.Ordinal)).ElementAtOrDefault(index)
            ?? throw new InvalidOperationException("Kestrel started without reporting the address it is bound to.");
        var port = new Uri(bound.Replace("//[::]", "//localhost", StringComparison.Ordinal)).Port;
        return new Uri($"http://127.0.0.1:{port}");
    }

    private static async Task Release(Scheduler? scheduler, WebApplication? web, IContainerBackend? ownedBackend, IStateStore? store)
    {
        if (scheduler is not null)
        {
            await scheduler.DisposeAsync().ConfigureAwait(false);
        }

        if (web is not null)
        {
            await web.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await web.DisposeAsync().ConfigureAwait(false);
        }

        if (ownedBackend is not null)
        {
            await ownedBackend.DisposeAsync().ConfigureAwait(false);
        }

        if (store is not null)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
