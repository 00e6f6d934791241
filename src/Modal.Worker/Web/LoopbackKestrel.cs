using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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

    /// <summary>Kestrel URL form of a Unix domain socket, as listed among a server's addresses.</summary>
    public static string UnixUrl(string path) => "http://unix:" + path;

    /// <param name="applicationName">The application's name (its assembly).</param>
    /// <param name="unixSocketPath">A Unix domain socket to accept HTTP/2 on besides HTTP/1.1 on loopback TCP; null for none.</param>
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
            if (unixSocketPath is not null)
            {
                // Only the gateway connects here, with HTTP/2 (prior knowledge): cleartext endpoints cannot negotiate it.
                kestrel.ListenUnixSocket(unixSocketPath, listen => listen.Protocols = HttpProtocols.Http2);
                // One header may be as large over HTTP/2 as all of them together over HTTP/1.1, as clients send them.
                kestrel.Limits.Http2.MaxRequestHeaderFieldSize = kestrel.Limits.MaxRequestHeadersTotalSize;
            }
        });
        return builder;
    }

    /// <summary><paramref name="path"/> when a started application accepts on that Unix domain socket, else null.</summary>
    public static string? BoundUnixSocket(IServiceProvider services, string? path)
    {
        if (path is null)
        {
            return null;
        }

        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Contains(UnixUrl(path), StringComparer.Ordinal) ? path : null;
    }

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
