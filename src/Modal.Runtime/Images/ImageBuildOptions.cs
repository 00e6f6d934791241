namespace Modal.Images;

/// <summary>Settings of the image builder, bound from the environment by <see cref="FromEnvironment"/>.</summary>
public sealed record ImageBuildOptions
{
    /// <summary>The tag of the offline-built Debian bookworm base that <c>Image.DebianSlim()</c> starts from.</summary>
    public const string DefaultBaseImage = "modal/debian-slim:bookworm";

    /// <summary>The repository layers are cached under; each layer's tag is its cache key.</summary>
    public const string DefaultCacheRepository = "modal/layer";

    /// <summary>Rebuild every step and overwrite the cache (<c>MODAL_FORCE_BUILD=1</c>).</summary>
    public bool ForceBuild { get; init; }

    /// <summary>Rebuild every step without reading or writing the cache (<c>MODAL_IGNORE_CACHE=1</c>).</summary>
    public bool IgnoreCache { get; init; }

    public string BaseImage { get; init; } = DefaultBaseImage;

    public string CacheRepository { get; init; } = DefaultCacheRepository;

    /// <summary>The Debian mirror debootstrap fetches the base from (<c>MODAL_DEBIAN_MIRROR</c>); null uses debootstrap's default.</summary>
    public string? DebianMirror { get; init; }

    /// <summary>Where build progress and the output of build steps go; null writes to this process's stderr.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>
    /// Looks up a secret's variables by name, for <c>FromRegistry(tag, secret)</c> and <c>RunFunction</c> steps, when
    /// the build's <see cref="ImageBuildScope"/> has no resolver of its own (a server's deploy opens one that reads the
    /// deploying workspace's secrets). With neither, recipes that need a secret are refused with a message saying so.
    /// </summary>
    public Func<string, CancellationToken, Task<IReadOnlyDictionary<string, string>>>? SecretResolver { get; init; }

    public static ImageBuildOptions FromEnvironment() => new()
    {
        ForceBuild = IsSet("MODAL_FORCE_BUILD"),
        IgnoreCache = IsSet("MODAL_IGNORE_CACHE"),
        DebianMirror = Environment.GetEnvironmentVariable("MODAL_DEBIAN_MIRROR") is { Length: > 0 } mirror ? mirror : null,
    };

    private static bool IsSet(string name) => Environment.GetEnvironmentVariable(name) is "1" or "true" or "True" or "yes";
}
