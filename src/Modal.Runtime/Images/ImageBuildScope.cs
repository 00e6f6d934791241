namespace Modal.Images;

/// <summary>
/// What the caller of a build knows and the backend does not: whose secrets a recipe may read (the deploying
/// workspace's) and who is waiting for the build log (a remote <c>modal deploy</c>). The deploy opens a scope around
/// the app's creation; the builds that creation runs, in the same async flow, see it. Ambient rather than passed,
/// because between the deploy and the builder sit the scheduler and the backend interface, which are about
/// containers, not deploys.
/// </summary>
public sealed class ImageBuildScope : IDisposable
{
    private static readonly AsyncLocal<ImageBuildScope?> CurrentScope = new();
    private readonly ImageBuildScope? _outer;
    private bool _disposed;

    private ImageBuildScope(Func<string, CancellationToken, Task<IReadOnlyDictionary<string, string>>>? secrets, TextWriter? log, ImageBuildScope? outer)
    {
        Secrets = secrets;
        Log = log;
        _outer = outer;
    }

    /// <summary>The scope of the build running in this async flow, if any.</summary>
    public static ImageBuildScope? Current => CurrentScope.Value;

    /// <summary>Looks up a secret's variables by name, for FromRegistry(tag, secret) and RunFunction steps.</summary>
    public Func<string, CancellationToken, Task<IReadOnlyDictionary<string, string>>>? Secrets { get; }

    /// <summary>Receives the build log as well as the builder's own log: each step and its output, line by line.</summary>
    public TextWriter? Log { get; }

    /// <summary>Opens a scope for the builds of this async flow until it is disposed; an outer scope's settings are replaced.</summary>
    public static ImageBuildScope Begin(Func<string, CancellationToken, Task<IReadOnlyDictionary<string, string>>>? secrets = null, TextWriter? log = null)
    {
        var scope = new ImageBuildScope(secrets, log, CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CurrentScope.Value = _outer;
        }
    }
}
