using System.Security.Cryptography;
using System.Text;
using Modal.Manifest;

namespace Modal.Images;

/// <summary>
/// An image recipe made ready to build: the manifest's steps with relative paths resolved, Dockerfiles expanded, and
/// checked (a base first; mounted files last, since build steps cannot see them). Each layer's cache key hashes the
/// parent's key and the step's definition, plus the content of copied files, so changing one step changes its key and
/// the key of every step after it.
/// </summary>
internal sealed class ImageRecipe
{
    /// <summary>Bump to rebuild every cached layer when the meaning of a step changes.</summary>
    internal const string BuilderVersion = "modal-image-builder-1";

    /// <summary>How long a <c>RunFunction</c> step may run when its function sets no Timeout (the reference's default, 1 h).</summary>
    internal static readonly TimeSpan DefaultRunFunctionTimeout = TimeSpan.FromHours(1);

    private ImageRecipe(IReadOnlyList<BuildStep> layers, IReadOnlyList<ImageMount> mounts)
    {
        Layers = layers;
        Mounts = mounts;
    }

    /// <summary>The steps that become layers, the base first.</summary>
    public IReadOnlyList<BuildStep> Layers { get; }

    /// <summary>The files bound into containers at start.</summary>
    public IReadOnlyList<ImageMount> Mounts { get; }

    /// <summary>The recipe of a function that names no image: the Debian slim base.</summary>
    public static ImageManifest Default { get; } = new() { Steps = [new ImageStepManifest { Kind = ImageStepKinds.DebianSlim }] };

    /// <summary>
    /// Checks what can be checked without reading files: known step kinds, a base first, nothing built after a mount.
    /// Returns the problems, each naming the step; empty when the recipe is well formed.
    /// </summary>
    public static IReadOnlyList<string> Check(ImageManifest image)
    {
        var problems = new List<string>();
        var steps = image.Steps;
        if (steps.Count == 0)
        {
            problems.Add("the image recipe has no steps; start it with Image.DebianSlim(), FromRegistry(...) or FromDockerfile(...)");
            return problems;
        }

        if (steps[0].Kind is not (ImageStepKinds.DebianSlim or ImageStepKinds.FromRegistry or ImageStepKinds.FromDockerfile))
        {
            problems.Add($"the image recipe starts with {steps[0].Kind}; start it with Image.DebianSlim(), FromRegistry(...) or FromDockerfile(...)");
        }

        string? mounted = null;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var args = step.Args;
            switch (step.Kind)
            {
                case ImageStepKinds.DebianSlim when args.Count == 0:
                case ImageStepKinds.FromRegistry when args.Count is 1 or 2:
                case ImageStepKinds.FromDockerfile when args.Count == 1:
                case ImageStepKinds.AptInstall or ImageStepKinds.RunCommands or ImageStepKinds.Entrypoint when args.Count > 0:
                case ImageStepKinds.Env when args.Count == 2:
                case ImageStepKinds.Workdir when args.Count == 1:
                case ImageStepKinds.AddLocalDir or ImageStepKinds.AddLocalFile when args.Count == 3:
                case ImageStepKinds.RunFunction when args.Count == 1:
                    break;
                default:
                    problems.Add($"step {i} ({step.Kind}) is not a step this builder knows or has the wrong number of arguments ({args.Count}); rebuild the app with a matching Modal version");
                    continue;
            }

            if (i > 0 && step.Kind is ImageStepKinds.DebianSlim or ImageStepKinds.FromRegistry or ImageStepKinds.FromDockerfile)
            {
                problems.Add($"step {i} ({step.Kind}) starts a new base in the middle of the recipe");
            }

            var isMount = step.Kind is ImageStepKinds.AddLocalDir or ImageStepKinds.AddLocalFile && args[2] != "copy";
            if (isMount)
            {
                mounted ??= $"{step.Kind}({args[0]}, {args[1]})";
            }
            else if (mounted is not null)
            {
                problems.Add(
                    $"step {i} ({step.Kind}) comes after {mounted}, which is mounted when the container starts, so build steps cannot see it. " +
                    "Pass copy: true to bake the files into the image, or move the step before it");
            }
        }

        return problems;
    }

    /// <summary>
    /// Resolves <paramref name="image"/> against the app's build output folder <paramref name="artifactDir"/>:
    /// relative local paths and Dockerfiles are read from there, and <c>RunFunction</c> steps find their function in
    /// <paramref name="app"/> (without it, a recipe with such a step is refused).
    /// </summary>
    public static ImageRecipe Resolve(ImageManifest image, string artifactDir, ImageApp? app = null)
    {
        if (Check(image) is { Count: > 0 } problems)
        {
            throw new InvalidError($"The image recipe is invalid: {string.Join("; ", problems)}.");
        }

        var layers = new List<BuildStep>();
        var mounts = new List<ImageMount>();
        foreach (var step in image.Steps)
        {
            var force = step.ForceBuild == true;
            switch (step.Kind)
            {
                case ImageStepKinds.FromDockerfile:
                    var parsed = DockerfileParser.ParseFile(Path.GetFullPath(Path.Combine(artifactDir, step.Args[0])));
                    // ForceBuild on FromDockerfile forces its whole file.
                    layers.AddRange(force ? parsed.Select(p => p with { ForceBuild = true }) : parsed);
                    break;
                case ImageStepKinds.AddLocalDir or ImageStepKinds.AddLocalFile:
                    var local = Path.GetFullPath(Path.Combine(artifactDir, step.Args[0]));
                    var remote = step.Args[1];
                    var isDirectory = step.Kind == ImageStepKinds.AddLocalDir;
                    if (isDirectory ? !Directory.Exists(local) : !File.Exists(local))
                    {
                        throw new InvalidError(
                            $"Image step {step.Kind}(\"{step.Args[0]}\", \"{remote}\"): {local} does not exist. Relative paths resolve against the app's build output " +
                            "folder; copy the files there (CopyToOutputDirectory) or give an absolute path.");
                    }

                    if (!remote.StartsWith('/'))
                    {
                        throw new InvalidError($"Image step {step.Kind}(\"{step.Args[0]}\", \"{remote}\"): the remote path must be absolute, e.g. /root/data.");
                    }

                    if (step.Args[2] == "copy")
                    {
                        layers.Add(new BuildStep(step.Kind, [local, remote, "copy"], force));
                    }
                    else
                    {
                        mounts.Add(new ImageMount(local, remote));
                    }

                    break;
                case ImageStepKinds.RunFunction:
                    layers.Add(new BuildStep(step.Kind, step.Args, force) { Run = ResolveFunction(step.Args[0], artifactDir, app) });
                    break;
                default:
                    layers.Add(new BuildStep(step.Kind, step.Args, force));
                    break;
            }
        }

        return new ImageRecipe(layers, mounts);
    }

    private static FunctionRun ResolveFunction(string name, string artifactDir, ImageApp? app)
    {
        var step = $"Image step RunFunction(\"{name}\")";
        if (app is null)
        {
            throw new InvalidError(
                $"{step} runs a function of the app, but this build was not given the app's manifest and assembly. " +
                "Build the image through the control plane (run or deploy the app), which passes them.");
        }

        var function = app.Functions.FirstOrDefault(f => f.Name == name) ?? throw new InvalidError(
            $"{step}: the app has no function named '{name}'. RunFunction names a [Function] of the same app, e.g. RunFunction(nameof(Download)); " +
            $"its functions are: {string.Join(", ", app.Functions.Select(f => f.Name))}.");
        if (function.Kind != "function" || function.Batching is not null || function.Cluster is not null)
        {
            throw new InvalidError(
                $"{step}: '{name}' is a {(function.Kind != "function" ? "method of a [Cls] class" : function.Batching is not null ? "[Batched] function" : "[Clustered] function")}; " +
                "a build step runs a plain [Function] once, so give the work its own [Function] without parameters.");
        }

        // The manifest lists no CancellationToken parameter: the worker supplies it.
        var parameters = function.Parameters;
        if (parameters.Count > 0)
        {
            throw new InvalidError(
                $"{step}: '{name}' takes parameters ({string.Join(", ", parameters.Select(p => p.Name))}), but a build step runs it with none. " +
                "Give the work its own [Function] without parameters (read settings from Env steps or secrets).");
        }

        var timeout = function.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultRunFunctionTimeout;
        return new FunctionRun(function.Name, function.EntryKey, Path.GetFullPath(artifactDir), app.AssemblyFile, function.Secrets ?? [], timeout);
    }

    /// <summary>The cache key of the layer <paramref name="step"/> makes on top of <paramref name="parentKey"/>.</summary>
    public static string LayerKey(string? parentKey, BuildStep step)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        Add(BuilderVersion);
        Add(parentKey ?? "");
        Add(step.Kind);
        foreach (var arg in step.Args)
        {
            Add(arg);
        }

        if (step.Kind is ImageStepKinds.AddLocalDir or ImageStepKinds.AddLocalFile)
        {
            Add(ContentHash(step.Args[0]));
        }

        if (step.Run is { } run)
        {
            // The function's code is in the build output: any change there may change what it writes, so it reruns.
            // Secret values are not part of the key (the reference does the same): rotating a token rebuilds nothing.
            Add(run.EntryKey);
            Add(run.AssemblyFile);
            Add(string.Join('\n', run.Secrets));
            Add(run.Timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(ContentHash(run.ArtifactDir));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A hash of a file's or folder's content, names and executable bits, independent of timestamps.</summary>
    public static string ContentHash(string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (File.Exists(path))
        {
            AddFile(hash, path, "");
        }
        else
        {
            foreach (var file in Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                         .Order(StringComparer.Ordinal))
            {
                AddFile(hash, file, Path.GetRelativePath(path, file));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AddFile(IncrementalHash hash, string file, string name)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
        var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0;
        hash.AppendData([executable ? (byte)1 : (byte)0]);
        using var stream = File.OpenRead(file);
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
    }
}
