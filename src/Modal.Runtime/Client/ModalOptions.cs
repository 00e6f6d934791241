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

    public static ModalOptions FromEnvironment()
    {
        var url = System.Environment.GetEnvironmentVariable("MODAL_SERVER_URL");
        return new ModalOptions
        {
            ServerUrl = string.IsNullOrWhiteSpace(url) ? null : new Uri(url),
            TokenId = System.Environment.GetEnvironmentVariable("MODAL_TOKEN_ID"),
            TokenSecret = System.Environment.GetEnvironmentVariable("MODAL_TOKEN_SECRET"),
            StateDirectory = System.Environment.GetEnvironmentVariable("MODAL_STATE_DIR"),
            Environment = System.Environment.GetEnvironmentVariable("MODAL_ENVIRONMENT") is { Length: > 0 } env ? env : "main",
        };
    }
}
