namespace Modal.Auth;

/// <summary>
/// What turns a control plane into a server (<c>modal server</c>): token checks on every API call, workspaces,
/// secrets, deployments, identity tokens, and an HTTP listener for the JWKS. Embedded control planes leave it unset.
/// </summary>
public sealed record ServerModeOptions
{
    /// <summary>Port of the plain HTTP/1.1 listener (JWKS, later web endpoints); 0 picks a free one.</summary>
    public int HttpPort { get; init; }

    /// <summary>
    /// Inputs per second a workspace may submit, or null for no limit (the self-hosted default). The reference's figure
    /// for a new account is 200/s.
    /// </summary>
    public double? RateLimitInputsPerSecond { get; init; }

    /// <summary>How many seconds of the rate a workspace may submit at once (the reference's burst is 5 s).</summary>
    public double RateLimitBurstSeconds { get; init; } = 5;

    /// <summary>Value of <c>MODAL_REGION</c> in containers.</summary>
    public string Region { get; init; } = "local";

    /// <summary>Value of <c>MODAL_CLOUD_PROVIDER</c> in containers.</summary>
    public string CloudProvider { get; init; } = "self-hosted";

    /// <summary>Lifetime of the identity tokens (<c>MODAL_IDENTITY_TOKEN</c>) given to containers.</summary>
    public TimeSpan IdentityTokenLifetime { get; init; } = TimeSpan.FromHours(24);
}
