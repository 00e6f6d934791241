using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Modal.Backends;
using Modal.Deployments;
using Modal.Manifest;
using Modal.Secrets;

namespace Modal.Auth;

/// <summary>
/// Server mode's shared state: tokens and workspaces, which workspace owns each id, sealed secrets, the identity-token
/// issuer and the rate limiter. The auth interceptor, the platform API and the container environment all read it.
/// </summary>
internal sealed class PlatformServices : IContainerEnvironmentSource, IAsyncDisposable
{
    /// <summary>The workspace a fresh server creates, with its first (admin) token.</summary>
    public const string DefaultWorkspace = "default";

    private readonly ConcurrentDictionary<string, (byte[] Hash, string Workspace)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string BlobId, string Workspace), byte> _blobOwners = new();
    private readonly TimeProvider _time;

    private PlatformServices(PlatformStore store, SecretCipher cipher, IdentityTokenIssuer issuer, ServerModeOptions options, TimeProvider time, ILogger logger)
    {
        Store = store;
        Logs = new AppLogBook(store, logger);
        Cipher = cipher;
        Issuer = issuer;
        Options = options;
        _time = time;
        RateLimiter = options.RateLimitInputsPerSecond is { } rate ? new WorkspaceRateLimiter(rate, options.RateLimitBurstSeconds, time) : null;
    }

    public PlatformStore Store { get; }

    /// <summary>What containers wrote, per app name, for <c>modal app logs</c>.</summary>
    public AppLogBook Logs { get; }

    public SecretCipher Cipher { get; }

    public IdentityTokenIssuer Issuer { get; }

    public ServerModeOptions Options { get; }

    public WorkspaceRateLimiter? RateLimiter { get; }

    /// <summary>The address tokens name as issuer; set once the server is listening.</summary>
    public Uri IssuerUrl { get; set; } = new("http://127.0.0.1:0");

    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public static async Task<PlatformServices> OpenAsync(string stateDirectory, ServerModeOptions options, TimeProvider time, CancellationToken cancellationToken, ILogger? logger = null)
    {
        var store = await PlatformStore.OpenAsync(Path.Combine(stateDirectory, "platform.db"), cancellationToken).ConfigureAwait(false);
        try
        {
            var services = new PlatformServices(
                store,
                SecretCipher.LoadOrCreate(Path.Combine(stateDirectory, "secrets.key")),
                IdentityTokenIssuer.LoadOrCreate(Path.Combine(stateDirectory, "identity.pem")),
                options,
                time,
                logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            foreach (var (tokenId, hash, workspace) in await store.LoadTokensAsync(cancellationToken).ConfigureAwait(false))
            {
                services._tokens[tokenId] = (hash, workspace);
            }

            foreach (var (id, workspace) in await store.LoadOwnersAsync(cancellationToken).ConfigureAwait(false))
            {
                services._owners[id] = workspace;
            }

            foreach (var (blobId, workspace) in await store.LoadBlobOwnersAsync(cancellationToken).ConfigureAwait(false))
            {
                services._blobOwners[(blobId, workspace)] = 0;
            }

            return services;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>On a server's first start: the default workspace and its admin token; null when tokens exist already.</summary>
    public async Task<TokenCredentials?> BootstrapAsync(CancellationToken cancellationToken)
    {
        if (!_tokens.IsEmpty)
        {
            return null;
        }

        await Store.EnsureWorkspaceAsync(DefaultWorkspace, NowMs, cancellationToken).ConfigureAwait(false);
        return await CreateTokenAsync(DefaultWorkspace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new token of <paramref name="workspace"/>: an API token, or with <paramref name="proxyAuth"/> a proxy-auth token for web endpoints (<c>wk-</c>/<c>ws-</c>).</summary>
    public async Task<TokenCredentials> CreateTokenAsync(string workspace, CancellationToken cancellationToken, bool proxyAuth = false)
    {
        var credentials = proxyAuth ? TokenCredentials.NewProxyAuth() : TokenCredentials.New();
        var hash = TokenCredentials.Hash(credentials.TokenSecret);
        await Store.AddTokenAsync(credentials.TokenId, hash, workspace, NowMs, cancellationToken).ConfigureAwait(false);
        _tokens[credentials.TokenId] = (hash, workspace);
        return credentials;
    }

    /// <summary>The workspace of a user token, or null when the id is unknown, the secret wrong, or it is a proxy-auth token.</summary>
    public string? WorkspaceOf(string tokenId, string tokenSecret) =>
        TokenCredentials.IsProxyAuth(tokenId) ? null : Verify(tokenId, tokenSecret);

    /// <summary>The workspace of a proxy-auth token (Modal-Key, Modal-Secret), or null when it is not a valid one.</summary>
    public string? ProxyAuthWorkspaceOf(string key, string secret) =>
        TokenCredentials.IsProxyAuth(key) ? Verify(key, secret) : null;

    private string? Verify(string tokenId, string tokenSecret)
    {
        if (!_tokens.TryGetValue(tokenId, out var entry))
        {
            return null;
        }

        var hash = TokenCredentials.Hash(tokenSecret);
        return CryptographicOperations.FixedTimeEquals(hash, entry.Hash) ? entry.Workspace : null;
    }

    public string? OwnerOf(string id) => _owners.TryGetValue(id, out var workspace) ? workspace : null;

    /// <summary>Records that <paramref name="workspace"/> owns the ids; <paramref name="durable"/> ones survive restarts.</summary>
    public async Task SetOwnerAsync(IReadOnlyCollection<string> ids, string workspace, bool durable, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            _owners[id] = workspace;
        }

        if (durable && ids.Count > 0)
        {
            await Store.SetOwnerAsync(ids, workspace, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether <paramref name="workspace"/> may read blob <paramref name="blobId"/>: blobs are content-addressed and
    /// shared on disk, but each workspace reads only the ones it (or one of its containers) uploaded.
    /// </summary>
    public bool OwnsBlob(string workspace, string blobId) => _blobOwners.ContainsKey((blobId, workspace));

    public async Task AddBlobOwnerAsync(string blobId, string workspace, CancellationToken cancellationToken)
    {
        if (_blobOwners.TryAdd((blobId, workspace), 0))
        {
            await Store.AddBlobOwnerAsync(blobId, workspace, cancellationToken).ConfigureAwait(false);
        }
    }

    public static string SecretScope(string workspace, string environment, string name) => $"{workspace}/{environment}/{name}";

    /// <summary>
    /// The values of the named secrets merged in list order, later ones winning. A name the app bound
    /// (<paramref name="bound"/>) takes the bound values, or the stored secret it was bound to.
    /// </summary>
    public async Task<Dictionary<string, string>> ResolveSecretsAsync(
        string workspace, string environment, IEnumerable<string> names, CancellationToken cancellationToken, IReadOnlyList<Protocol.BoundSecret>? bound = null)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var listed in names)
        {
            var name = listed;
            if (bound?.LastOrDefault(b => b.Name == listed) is { } binding)
            {
                if (string.IsNullOrEmpty(binding.FromName))
                {
                    foreach (var (key, value) in binding.Values)
                    {
                        merged[key] = value;
                    }

                    continue;
                }

                name = binding.FromName;
            }

            var sealedValues = await Store.GetSecretAsync(workspace, environment, name, cancellationToken).ConfigureAwait(false)
                ?? throw new NotFoundError(
                    $"Secret '{name}' does not exist in environment '{environment}' of workspace '{workspace}'. " +
                    $"Create it with `modal secret create {name} KEY=VALUE ...`, then deploy again.");
            foreach (var (key, value) in Cipher.Open(sealedValues, SecretScope(workspace, environment, name)))
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    /// <summary>What server mode adds to a container's environment: identity, placement, image id, secrets, and the
    /// task's own credentials so platform calls from inside the container act for that task only.</summary>
    public async ValueTask<IReadOnlyDictionary<string, string>> GetEnvironmentAsync(
        ContainerSpec spec, string environment, IReadOnlyList<Protocol.BoundSecret> boundSecrets, CancellationToken cancellationToken)
    {
        var workspace = OwnerOf(spec.AppId) ?? DefaultWorkspace;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (spec.Function?.Secrets is { Count: > 0 } secretNames)
        {
            foreach (var (key, value) in await ResolveSecretsAsync(workspace, environment, secretNames, cancellationToken, boundSecrets).ConfigureAwait(false))
            {
                variables[key] = value;
            }
        }

        variables["MODAL_TOKEN_ID"] = spec.TaskId;
        variables["MODAL_TOKEN_SECRET"] = spec.TaskToken;
        variables["MODAL_REGION"] = spec.Function?.Region ?? Options.Region;
        variables["MODAL_CLOUD_PROVIDER"] = spec.Function?.Cloud ?? Options.CloudProvider;
        variables["MODAL_IMAGE_ID"] = ImageId(spec.Function?.Image);
        variables["MODAL_IDENTITY_TOKEN"] = Issuer.Issue(
            IssuerUrl.ToString().TrimEnd('/'),
            spec.FunctionId,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["workspace"] = workspace,
                ["environment"] = environment,
                ["app_id"] = spec.AppId,
                ["app_name"] = spec.AppName,
                ["function_name"] = spec.FunctionName,
                ["task_id"] = spec.TaskId,
            },
            _time.GetUtcNow(),
            Options.IdentityTokenLifetime);
        return variables;
    }

    /// <summary>Queues a container's forwarded output for <c>modal app logs</c>; the app's owner and name key it.</summary>
    public void RecordContainerLog(string appId, string appName, string environment, string functionName, string taskId, string inputId, int fd, string data) =>
        Logs.Append(new StoredLogEntry(0, OwnerOf(appId) ?? DefaultWorkspace, environment, appName, appId, functionName, taskId, inputId, fd, data, NowMs));

    /// <summary>
    /// One line a container wrote, as its backend read it. The worker prefixes the user's lines with
    /// <c>[function input-id] </c> (or <c>[function] </c>); the input id is kept apart and the prefix dropped.
    /// </summary>
    public void RecordContainerOutput(Scheduling.Scheduler? scheduler, string taskId, bool isError, string line)
    {
        if (scheduler is null || !scheduler.TryGetContainer(taskId, out var container))
        {
            return;
        }

        var app = container.Function.App;
        var inputId = "";
        var data = line;
        var prefix = "[" + container.Function.Name;
        if (line.StartsWith(prefix, StringComparison.Ordinal) && line.IndexOf("] ", prefix.Length, StringComparison.Ordinal) is var end and >= 0)
        {
            var inside = line[prefix.Length..end].Trim();
            if (inside.Length == 0 || inside.StartsWith("in-", StringComparison.Ordinal))
            {
                inputId = inside;
                data = line[(end + 2)..];
            }
        }

        RecordContainerLog(app.AppId, app.Name, app.Environment, container.Function.Name, taskId, inputId, isError ? 2 : 1, data);
    }

    /// <summary>Stored secrets are checked when a container starts (an ephemeral app may create them meanwhile); bindings now.</summary>
    public void Validate(string appName, IReadOnlyList<FunctionManifest> functions, IReadOnlyList<Protocol.BoundSecret> boundSecrets) =>
        BoundSecretEnvironment.ValidateBindings(appName, functions, boundSecrets, requireAll: false);

    public async ValueTask DisposeAsync()
    {
        await Logs.DisposeAsync().ConfigureAwait(false);
        Issuer.Dispose();
        await Store.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary><c>im-</c> and a hash of the image recipe: the same recipe always has the same id.</summary>
    private static string ImageId(ImageManifest? image)
    {
        var json = image is null ? "{}" : JsonSerializer.Serialize(image, AppManifest.JsonOptions);
        var hash = SHA256.HashData(MemoryMarshal.AsBytes(json.AsSpan()));
        return "im-" + Convert.ToHexStringLower(hash)[..20];
    }
}
