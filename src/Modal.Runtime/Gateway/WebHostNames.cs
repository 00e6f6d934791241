using System.Security.Cryptography;
using System.Text;

namespace Modal.Gateway;

/// <summary>
/// The reference's URL rules for web endpoints, with <c>localhost</c> in place of <c>modal.run</c>: the subdomain is
/// <c>{source}--{label}</c>, where source is the workspace (plus <c>-{environment}</c> outside the default environment)
/// and label is <c>{app}-{function}</c> unless the endpoint sets its own; ephemeral apps get <c>-dev</c>; every part is
/// lowercase letters, digits and dashes; a subdomain over 63 characters is cut and given a hash of the whole.
/// </summary>
internal static class WebHostNames
{
    /// <summary>The DNS limit on one label of a host name.</summary>
    public const int MaxSubdomainLength = 63;

    private const int HashLength = 6;
    private const string DevSuffix = "-dev";

    public static string Subdomain(string workspace, string environment, string defaultEnvironment, string appName, string functionName, string? label, bool ephemeral)
    {
        var source = Slug(workspace) + (environment == defaultEnvironment ? "" : "-" + Slug(environment));
        var name = string.IsNullOrWhiteSpace(label) ? $"{Slug(appName)}-{Slug(functionName)}" : Slug(label);
        var subdomain = $"{source}--{name}";
        var suffix = ephemeral ? DevSuffix : "";
        if (subdomain.Length + suffix.Length <= MaxSubdomainLength)
        {
            return subdomain + suffix;
        }

        // The hash is of the whole overlong name, so two names that share their first characters still differ.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subdomain + suffix)))[..HashLength];
        var keep = MaxSubdomainLength - suffix.Length - HashLength - 1;
        return $"{subdomain[..keep]}-{hash}{suffix}";
    }

    /// <summary>The endpoint's URL on a gateway listening on <paramref name="port"/> of this machine.</summary>
    public static string Url(string subdomain, int port) => $"http://{subdomain}.localhost:{port}";

    /// <summary>The subdomain a request's Host names: its first label, lowercased (the port and domain do not matter).</summary>
    public static string FromHost(string host)
    {
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return (dot < 0 ? host : host[..dot]).ToLowerInvariant();
    }

    /// <summary>Lowercase letters, digits and single dashes; anything else (underscores, dots, capitals' case) becomes a dash or lowercase.</summary>
    public static string Slug(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        return builder.ToString().Trim('-');
    }
}
