using System.Collections.Immutable;

namespace Modal;

/// <summary>
/// An immutable container image recipe: a base plus a chain of build steps. Each call returns a new recipe, so a
/// shared base can be extended in several directions. The build hashes each step's definition to cache its layer.
/// </summary>
public sealed class Image
{
    private Image(ImmutableArray<ImageStep> steps) => Steps = steps;

    /// <summary>The recipe's steps in order; the first is always a base step.</summary>
    public ImmutableArray<ImageStep> Steps { get; }

    /// <summary>A minimal Debian bookworm base.</summary>
    public static Image DebianSlim() => new([new ImageStep(ImageStepKinds.DebianSlim, [])]);

    /// <summary>A public or private registry image; <paramref name="secret"/> names a secret holding
    /// <c>REGISTRY_USERNAME</c>/<c>REGISTRY_PASSWORD</c>.</summary>
    public static Image FromRegistry(string tag, string? secret = null) =>
        new([new ImageStep(ImageStepKinds.FromRegistry, secret is null ? [tag] : [tag, secret])]);

    /// <summary>An image built from a Dockerfile.</summary>
    public static Image FromDockerfile(string path) => new([new ImageStep(ImageStepKinds.FromDockerfile, [path])]);

    public Image AptInstall(params string[] packages) => Add(ImageStepKinds.AptInstall, packages);

    public Image RunCommands(params string[] commands) => Add(ImageStepKinds.RunCommands, commands);

    public Image Env(string name, string value) => Add(ImageStepKinds.Env, [name, value]);

    public Image Workdir(string path) => Add(ImageStepKinds.Workdir, [path]);

    /// <summary>Sets the entrypoint; the script must end with <c>exec "$@"</c>.</summary>
    public Image Entrypoint(params string[] command) => Add(ImageStepKinds.Entrypoint, command);

    /// <summary>Mounts a local directory at container start, or bakes it into the image when <paramref name="copy"/> is true.</summary>
    public Image AddLocalDir(string localPath, string remotePath, bool copy = false) =>
        Add(ImageStepKinds.AddLocalDir, [localPath, remotePath, copy ? "copy" : "mount"]);

    public Image AddLocalFile(string localPath, string remotePath, bool copy = false) =>
        Add(ImageStepKinds.AddLocalFile, [localPath, remotePath, copy ? "copy" : "mount"]);

    /// <summary>Runs a function of the app during the build.</summary>
    public Image RunFunction(string functionName) => Add(ImageStepKinds.RunFunction, [functionName]);

    /// <summary>Forces the last step to rebuild even when its layer is cached.</summary>
    public Image ForceBuild()
    {
        var last = Steps[Steps.Length - 1];
        return new Image(Steps.SetItem(Steps.Length - 1, last with { ForceBuild = true }));
    }

    private Image Add(string kind, string[] args) => new(Steps.Add(new ImageStep(kind, args)));
}

/// <summary>One step of an image recipe, as it appears in the manifest.</summary>
public sealed record ImageStep(string Kind, IReadOnlyList<string> Args)
{
    public bool ForceBuild { get; init; }
}

/// <summary>The step kinds; the manifest uses these strings.</summary>
public static class ImageStepKinds
{
    public const string DebianSlim = "debian_slim";
    public const string FromRegistry = "from_registry";
    public const string FromDockerfile = "from_dockerfile";
    public const string AptInstall = "apt_install";
    public const string RunCommands = "run_commands";
    public const string Env = "env";
    public const string Workdir = "workdir";
    public const string Entrypoint = "entrypoint";
    public const string AddLocalDir = "add_local_dir";
    public const string AddLocalFile = "add_local_file";
    public const string RunFunction = "run_function";
}
