using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Modal.Worker.Web;

/// <summary>
/// The Kestrel servers the worker itself hosts: on 127.0.0.1 with a port the OS picks, since the gateway reaches the
/// container over loopback (host networking) and several containers may share a machine.
/// </summary>
internal static class LoopbackKestrel
{
    /// <summary>Where the worker's own servers listen, and where it moves a [WebApp]'s application.</summary>
    public const string Url = "http://127.0.0.1:0";

    /// <param name="applicationName">The application's name (its assembly).</param>
    /// <param name="unixSocketPath">
    /// A Unix domain socket on which the same application also serves the gateway's web frames besides HTTP/1.1 on
    /// loopback TCP (which keeps WebSocket upgrades and callers other than a local gateway); null for none.
    /// </param>
    public static WebApplicationBuilder CreateBuilder(string applicationName, string? unixSocketPath)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = applicationName,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The platform's own request logging would mix into the user's output stream; failures are reported per request.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        if (unixSocketPath is not null)
        {
            // One IHttpApplication behind both servers: Kestrel's and the web-frame listener the gateway prefers.
            var kestrel = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IServer))
                ?? throw new InvalidOperationException("The worker's web application builder registered no server to wrap with the web-frame listener.");
            builder.Services.Remove(kestrel);
            builder.Services.AddSingleton<IServer>(services => new Modal.Gateway.WebFrameServer(CreateServer(services, kestrel), unixSocketPath));
        }

        return builder;
    }

    private static IServer CreateServer(IServiceProvider services, ServiceDescriptor descriptor) => (IServer)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    /// <summary><paramref name="path"/> when a started application serves web frames on that Unix domain socket, else null.</summary>
    public static string? BoundUnixSocket(IServiceProvider services, string? path) =>
        path is not null && services.GetRequiredService<IServer>() is Modal.Gateway.WebFrameServer { Listening: true } frames && frames.SocketPath == path ? path : null;

    /// <summary>The loopback endpoint a started application is bound to (the port the OS picked for port 0).</summary>
    public static IPEndPoint BoundEndpoint(IServiceProvider services, string what)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (address.StartsWith("http://unix:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Kestrel reports wildcard bindings as http://+:port or http://*:port, which are not URIs.
            var normalized = address.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.Port <= 0)
            {
                continue;
            }

            var host = IPAddress.TryParse(uri.DnsSafeHost, out var ip) ? ip : IPAddress.Loopback;
            if (host.Equals(IPAddress.Any))
            {
                host = IPAddress.Loopback;
            }
            else if (host.Equals(IPAddress.IPv6Any))
            {
                host = IPAddress.IPv6Loopback;
            }

            return new IPEndPoint(host, uri.Port);
        }

        throw new InvalidError(
            $"{what} started but listens on no plain-HTTP address ({string.Join(", ", addresses)}). The gateway forwards HTTP over loopback; " +
            "do not configure HTTPS-only endpoints for a web function.");
    }
}
