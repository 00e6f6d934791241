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
    /// <c>modal run --detach</c> (<c>MODAL_DETACH=1</c>): the app keeps running after this client exits or is killed, until
    /// its calls have finished or <c>modal app stop</c> stops it. Needs a <c>modal server</c>: an embedded control plane
    /// ends with its process.
    /// </summary>
    public bool Detach { get; init; }

    /// <summary>
    /// Secrets bound by name for this run: a function's <c>Secrets = ["name"]</c> entry takes the values bound here
    /// (<see cref="Secret.FromDict"/>, <see cref="Secret.FromDotenv"/>) instead of the server's stored secret of that name.
    /// </summary>
    public IReadOnlyDictionary<string, Secret> Secrets { get; init; } = new Dictionary<string, Secret>(StringComparer.Ordinal);

    /// <summary>
    /// Reads <c>MODAL_SERVER_URL</c>, <c>MODAL_TOKEN_ID</c>/<c>MODAL_TOKEN_SECRET</c>, <c>MODAL_ENVIRONMENT</c>,
    /// <c>MODAL_DETACH</c> and <c>MODAL_SECRETS_FROM_DOTENV</c>; what the first ones
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
            Detach = System.Environment.GetEnvironmentVariable("MODAL_DETACH") is "1" or "true",
            // Bindings are the client's: inside a container (which may inherit the variable) there is nothing to bind.
            Secrets = System.Environment.GetEnvironmentVariable("MODAL_IS_REMOTE") == "1"
                ? new Dictionary<string, Secret>(StringComparer.Ordinal)
                : DotenvBindings(System.Environment.GetEnvironmentVariable(DotenvSecretsVariable)),
        };
    }

    /// <summary>
    /// <c>NAME=FILE;NAME2=FILE2</c>: function secret names bound to dotenv files, as <c>modal run --secret-from-dotenv</c>
    /// passes them to an app's program.
    /// </summary>
    public const string DotenvSecretsVariable = "MODAL_SECRETS_FROM_DOTENV";

    /// <summary>Reads <c>NAME[=FILE]</c> items (FILE defaults to the nearest <c>.env</c>) into secret bindings.</summary>
    public static IReadOnlyDictionary<string, Secret> DotenvBindings(string? items)
    {
        var bindings = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var item in (items ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? item : item[..equals];
            bindings[name] = Secret.FromDotenv(equals < 0 ? null : item[(equals + 1)..]);
        }

        return bindings;
    }
}
