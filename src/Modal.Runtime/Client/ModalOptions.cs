namespace Modal;

/// <summary>Client settings, bound from the environment by <see cref="FromEnvironment"/>.</summary>
public sealed record ModalOptions
{
    /// <summary>The control plane to use; null starts an embedded one (<c>MODAL_SERVER_URL</c>).</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary><c>MODAL_TOKEN_ID</c>.</summary>
    public string? TokenId { get; init; }

    /// <summary><c>MODAL_TOKEN_SECRET</c>.</summary>
    public string? TokenSecret { get; init; }

    /// <summary>Where the embedded control plane keeps its state (<c>.modal/</c> under the working directory by default).</summary>
    public string? StateDirectory { get; init; }

    /// <summary>The environment name (<c>MODAL_ENVIRONMENT</c>), <c>main</c> by default.</summary>
    public string Environment { get; init; } = "main";

    /// <summary>
    /// Reads <c>MODAL_SERVER_URL</c>, <c>MODAL_TOKEN_ID</c>/<c>MODAL_TOKEN_SECRET</c> and <c>MODAL_ENVIRONMENT</c>; what they
    /// leave unset comes from the current profile of <c>~/.modal.toml</c> (<see cref="ModalProfile"/>). With neither, the
    /// server URL stays null and an embedded control plane is used.
    /// </summary>
    public static ModalOptions FromEnvironment()
    {
        var url = System.Environment.GetEnvironmentVariable("MODAL_SERVER_URL");
        var profile = string.IsNullOrWhiteSpace(url) ? ModalProfile.Current() : null;
        url = string.IsNullOrWhiteSpace(url) ? profile?.ServerUrl : url;
        return new ModalOptions
        {
            ServerUrl = string.IsNullOrWhiteSpace(url) ? null : new Uri(url),
            TokenId = System.Environment.GetEnvironmentVariable("MODAL_TOKEN_ID") is { Length: > 0 } id ? id : profile?.TokenId,
            TokenSecret = System.Environment.GetEnvironmentVariable("MODAL_TOKEN_SECRET") is { Length: > 0 } secret ? secret : profile?.TokenSecret,
            StateDirectory = System.Environment.GetEnvironmentVariable("MODAL_STATE_DIR"),
            Environment = System.Environment.GetEnvironmentVariable("MODAL_ENVIRONMENT") is { Length: > 0 } env ? env : profile?.Environment ?? "main",
        };
    }
}
