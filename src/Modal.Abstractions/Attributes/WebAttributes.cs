namespace Modal;

/// <summary>Serves the function over HTTP: query parameters and JSON bodies bind to its parameters.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class WebEndpointAttribute : Attribute
{
    /// <summary>HTTP method, <c>GET</c> by default.</summary>
    public string Method { get; set; } = "GET";

    /// <summary>Serves an OpenAPI document and a docs page.</summary>
    public bool Docs { get; set; }

    /// <summary>Label used in the endpoint's URL instead of the function name.</summary>
    public string? Label { get; set; }

    /// <summary>Requires <c>Modal-Key</c>/<c>Modal-Secret</c> headers of a proxy-auth token.</summary>
    public bool RequiresProxyAuth { get; set; }
}

/// <summary>The function returns an ASP.NET Core application that serves every request to the endpoint.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class WebAppAttribute : Attribute
{
    public string? Label { get; set; }

    public bool RequiresProxyAuth { get; set; }
}

/// <summary>The function starts an HTTP server listening on <see cref="Port"/>; the gateway proxies to it.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class WebServerAttribute(int port) : Attribute
{
    public int Port { get; } = port;

    /// <summary>Seconds to wait for the port to accept connections.</summary>
    public double StartupTimeout { get; set; } = 5;

    public string? Label { get; set; }

    public bool RequiresProxyAuth { get; set; }
}
