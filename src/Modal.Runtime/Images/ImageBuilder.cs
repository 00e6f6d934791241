using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Modal.Manifest;

namespace Modal.Images;

/// <summary>
/// Builds image recipes on a Docker engine, one layer per step, each committed from a container that ran the step and
/// tagged with the step's cache key. A step whose layer is tagged already is not run again; the first step that runs
/// makes every later step run too, since their parent changed. Builds are serialised: two functions with one recipe
/// build it once.
/// </summary>
public sealed class ImageBuilder
{
    private readonly DockerClient _docker;
    private readonly ImageBuildOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string? _dotnetRoot;
    private readonly string? _workerPath;

    public ImageBuilder(DockerClient docker, ImageBuildOptions options)
        : this(docker, options, null, null)
    {
    }

    /// <summary>
    /// A builder that can also run <c>RunFunction</c> steps: it mounts the .NET installation at
    /// <paramref name="dotnetRoot"/> and runs the worker at <paramref name="workerPath"/>, as the Docker backend's
    /// containers do.
    /// </summary>
    public ImageBuilder(DockerClient docker, ImageBuildOptions options, string? dotnetRoot, string? workerPath)
    {
        _docker = docker;
        _options = options;
        _dotnetRoot = dotnetRoot;
        _workerPath = workerPath;
    }

    public ImageBuildOptions Options => _options;

    private TextWriter Log => _options.Log ?? Console.Error;

    /// <summary>
    /// Builds <paramref name="image"/> (null: the default Debian slim image), resolving local paths against
    /// <paramref name="artifactDir"/>. Progress and step output go to the build log. A failed step throws
    /// <see cref="InvalidError"/> naming the step, with the end of its output.
    /// </summary>
    public Task<BuiltImage> BuildAsync(ImageManifest? image, string artifactDir, string? label, CancellationToken cancellationToken) =>
        BuildAsync(image, artifactDir, null, label, cancellationToken);

    /// <summary>
    /// Builds <paramref name="image"/> for <paramref name="app"/>, whose functions <c>RunFunction</c> steps run. Secrets
    /// and an extra log come from the <see cref="ImageBuildScope"/> of the caller, else from the options.
    /// </summary>
    public async Task<BuiltImage> BuildAsync(ImageManifest? image, string artifactDir, ImageApp? app, string? label, CancellationToken cancellationToken)
    {
        var recipe = ImageRecipe.Resolve(image ?? ImageRecipe.Default, artifactDir, app);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await BuildLockedAsync(recipe, label, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<BuiltImage> BuildLockedAsync(ImageRecipe recipe, string? label, CancellationToken cancellationToken)
    {
        var log = TextWriter.Synchronized(ImageBuildScope.Current?.Log is { } client
            ? new BuildLogWriter(line =>
            {
                Log.WriteLine(line);
                client.WriteLine(line);
            })
            : Log);
        var started = Stopwatch.GetTimestamp();
        var steps = new List<BuiltStep>();
        var layers = recipe.Layers;
        log.WriteLine($"Building image{(label is null ? "" : " for " + label)} ({layers.Count} step{(layers.Count == 1 ? "" : "s")})"
            + (_options.IgnoreCache ? " without the cache (MODAL_IGNORE_CACHE)" : _options.ForceBuild ? ", rebuilding every step (MODAL_FORCE_BUILD)" : ""));

        string? key = null;
        ImageInspectResponse? current = null;
        var rebuilding = false;
        for (var i = 0; i < layers.Count; i++)
        {
            var step = layers[i];
            var stepStarted = Stopwatch.GetTimestamp();
            key = ImageRecipe.LayerKey(key, step);
            var description = step.Describe() + (step.Origin is null ? "" : $" ({step.Origin})");
            var prefix = $"=> Step {i}/{layers.Count - 1}: {description}";
            bool cached;
            if (step.IsBase)
            {
                (current, cached) = await BaseAsync(step, log, prefix, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var tag = _options.IgnoreCache ? null : key;
                var hit = !rebuilding && !step.ForceBuild && !_options.ForceBuild && tag is not null
                    ? await ImageEngine.TryInspectAsync(_docker, $"{_options.CacheRepository}:{tag}", cancellationToken).ConfigureAwait(false)
                    : null;
                if (hit is not null)
                {
                    log.WriteLine(prefix + " (cached)");
                    current = hit;
                    cached = true;
                }
                else
                {
                    log.WriteLine(prefix + (step.ForceBuild ? " (forced)" : ""));
                    var id = await BuildStepAsync(step, current!, tag, log, $"Image build failed at step {i} ({description})", cancellationToken).ConfigureAwait(false);
                    current = await _docker.Images.InspectImageAsync(id, cancellationToken).ConfigureAwait(false);
                    cached = false;
                }
            }

            // Once a step runs, the layers after it were built on another parent: they must run too.
            rebuilding |= !cached;
            var elapsed = Stopwatch.GetElapsedTime(stepStarted);
            if (!cached)
            {
                log.WriteLine($"   step {i} done in {elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            }

            steps.Add(new BuiltStep(i, step.Describe(), cached, elapsed, key));
        }

        var duration = Stopwatch.GetElapsedTime(started);
        var built = new BuiltImage { ImageId = current!.ID, LayerKey = key!, Mounts = recipe.Mounts, Steps = steps, Duration = duration };
        log.WriteLine($"Image {built.ModalImageId} ready in {duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s " +
                      $"({steps.Count(s => s.Cached)} of {steps.Count} steps cached).");
        return built;
    }

    private async Task<(ImageInspectResponse Image, bool Cached)> BaseAsync(BuildStep step, TextWriter log, string prefix, CancellationToken cancellationToken)
    {
        // FROM the platform's own base (a Dockerfile may name it) is built offline like DebianSlim(), never pulled.
        if (step.Kind == ImageStepKinds.DebianSlim || (step.Args.Count == 1 && step.Args[0] == _options.BaseImage))
        {
            var existing = await ImageEngine.TryInspectAsync(_docker, _options.BaseImage, cancellationToken).ConfigureAwait(false);
            string? version = null;
            var cached = !step.ForceBuild && existing?.Config?.Labels?.TryGetValue(DebianSlimBase.Label, out version) == true && version == DebianSlimBase.Version;
            log.WriteLine(prefix + (cached ? $" ({_options.BaseImage}, cached)" : ""));
            var id = await DebianSlimBase.EnsureAsync(_docker, _options.BaseImage, step.ForceBuild, _options.DebianMirror, log, cancellationToken).ConfigureAwait(false);
            return (await _docker.Images.InspectImageAsync(id, cancellationToken).ConfigureAwait(false), cached);
        }

        var reference = step.Args[0];
        var local = step.ForceBuild ? null : await ImageEngine.TryInspectAsync(_docker, reference, cancellationToken).ConfigureAwait(false);
        if (local is not null)
        {
            log.WriteLine(prefix + " (present on the engine)");
            return (local, true);
        }

        log.WriteLine(prefix + " (pulling)");
        var auth = step.Args.Count > 1 ? await RegistryAuthAsync(reference, step.Args[1], cancellationToken).ConfigureAwait(false) : null;
        await ImageEngine.PullAsync(_docker, reference, auth, log, cancellationToken).ConfigureAwait(false);
        return (await _docker.Images.InspectImageAsync(reference, cancellationToken).ConfigureAwait(false), false);
    }

    private async Task<AuthConfig> RegistryAuthAsync(string reference, string secret, CancellationToken cancellationToken)
    {
        var values = await SecretAsync(secret, $"FromRegistry(\"{reference}\", secret: \"{secret}\")", "REGISTRY_USERNAME and REGISTRY_PASSWORD", cancellationToken).ConfigureAwait(false);
        if (!values.TryGetValue("REGISTRY_USERNAME", out var user) || !values.TryGetValue("REGISTRY_PASSWORD", out var password))
        {
            throw new InvalidError($"The secret '{secret}' used by FromRegistry(\"{reference}\") must hold REGISTRY_USERNAME and REGISTRY_PASSWORD.");
        }

        var (repository, _) = ImageEngine.SplitTag(reference);
        var first = repository.Split('/')[0];
        // As Docker does: the first path part is a registry host when it has a dot or a port, or is localhost.
        var server = repository.Contains('/', StringComparison.Ordinal) && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            ? first
            : "https://index.docker.io/v1/";
        return new AuthConfig { Username = user, Password = password, ServerAddress = server };
    }

    private Task<IReadOnlyDictionary<string, string>> SecretAsync(string name, string step, string what, CancellationToken cancellationToken)
    {
        var resolve = ImageBuildScope.Current?.Secrets ?? _options.SecretResolver ?? throw new InvalidError(
            $"{step} needs the {what} of secret '{name}', but this build has no secret store to read them from: secrets live in a server-mode " +
            "control plane (modal server), and the embedded one has none. Deploy the app to a server, or do without the secret " +
            "(for a registry: pull the image onto the engine yourself with docker login and docker pull, and drop the secret).");
        return resolve(name, cancellationToken);
    }

    private async Task<string> RunFunctionAsync(FunctionRun run, ImageInspectResponse parent, string? tag, string? repository, TextWriter log, string failure, CancellationToken cancellationToken)
    {
        var step = $"RunFunction(\"{run.Name}\")";
        if (_dotnetRoot is null || _workerPath is null)
        {
            throw new InvalidError($"{failure}: {step} runs the app's function with the Modal worker, and this image builder was made without one. Build through the Docker backend.");
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var secret in run.Secrets)
        {
            // In list order, later ones winning, as in a function's container.
            foreach (var (key, value) in await SecretAsync(secret, step, "variables", cancellationToken).ConfigureAwait(false))
            {
                environment[key] = value;
            }
        }

        environment["MODAL_IS_REMOTE"] = "1";
        var task = new MemoryStream();
        using (var json = new Utf8JsonWriter(task))
        {
            json.WriteStartObject();
            json.WriteString("entryKey", run.EntryKey);
            json.WriteString("name", run.Name);
            json.WriteString("artifactDir", run.ArtifactDir);
            json.WriteString("assemblyFile", run.AssemblyFile);
            json.WriteStartObject("environment");
            foreach (var (key, value) in environment)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        task.WriteByte((byte)'\n');
        var workerFolder = Path.GetDirectoryName(_workerPath)!;
        var binds = Backends.Docker.DockerBackend.Binds([(_dotnetRoot, _dotnetRoot), (workerFolder, workerFolder), (run.ArtifactDir, run.ArtifactDir)]);
        var container = await ImageEngine.RunAsync(
            _docker, parent, [Path.Combine(_dotnetRoot, "dotnet"), _workerPath, "--build-function"], log, failure, cancellationToken,
            new FunctionContainer(step, task.ToArray(), binds, run.Timeout)).ConfigureAwait(false);
        // Committed with the parent's configuration, so the build container's command does not become the image's.
        return await ImageEngine.CommitAsync(_docker, container, parent, [], repository, tag, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> BuildStepAsync(BuildStep step, ImageInspectResponse parent, string? tag, TextWriter log, string failure, CancellationToken cancellationToken)
    {
        var repository = tag is null ? null : _options.CacheRepository;
        var args = step.Args;
        switch (step.Kind)
        {
            case ImageStepKinds.AptInstall:
                var packages = string.Join(' ', args.Select(DockerfileParser.ShellQuote));
                return await RunAndCommitAsync(
                    ["/bin/sh", "-c", $"set -e; export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -q --no-install-recommends {packages}; rm -rf /var/lib/apt/lists/*"],
                    parent, tag, repository, log, failure, cancellationToken).ConfigureAwait(false);
            case ImageStepKinds.RunCommands:
                // Each command is one line of a script that stops at the first failure, like consecutive RUN lines.
                return await RunAndCommitAsync(["/bin/sh", "-c", "set -e\n" + string.Join('\n', args)], parent, tag, repository, log, failure, cancellationToken).ConfigureAwait(false);
            case BuildStep.RunExec:
                return await RunAndCommitAsync(args, parent, tag, repository, log, failure, cancellationToken).ConfigureAwait(false);
            case ImageStepKinds.Env:
                return await ChangeAsync($"ENV {args[0]}={DockerfileParser.Quote(args[1])}", parent, tag, repository, cancellationToken).ConfigureAwait(false);
            case ImageStepKinds.Workdir:
                return await ChangeAsync($"WORKDIR {args[0]}", parent, tag, repository, cancellationToken).ConfigureAwait(false);
            case ImageStepKinds.Entrypoint:
                return await ChangeAsync($"ENTRYPOINT {JsonSerializer.Serialize(args)}", parent, tag, repository, cancellationToken).ConfigureAwait(false);
            case BuildStep.Config:
                return await ChangeAsync(args[0], parent, tag, repository, cancellationToken).ConfigureAwait(false);
            case ImageStepKinds.RunFunction:
                return await RunFunctionAsync(step.Run!, parent, tag, repository, log, failure, cancellationToken).ConfigureAwait(false);
            case ImageStepKinds.AddLocalDir or ImageStepKinds.AddLocalFile:
                var container = await ImageEngine.CreateAsync(_docker, parent, cancellationToken).ConfigureAwait(false);
                try
                {
                    await using var archive = await ImageEngine.TarAsync(args[0], args[1], cancellationToken).ConfigureAwait(false);
                    log.WriteLine($"   copying {archive.Length:N0} bytes of {args[0]} to {args[1]}");
                    await _docker.Containers.ExtractArchiveToContainerAsync(container, new ContainerPathStatParameters { Path = "/" }, archive, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await ImageEngine.RemoveQuietlyAsync(_docker, container).ConfigureAwait(false);
                    throw;
                }

                return await ImageEngine.CommitAsync(_docker, container, parent, [], repository, tag, cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidError($"{failure}: the builder has no implementation for {step.Kind}.");
        }
    }

    private async Task<string> RunAndCommitAsync(
        IReadOnlyList<string> command, ImageInspectResponse parent, string? tag, string? repository, TextWriter log, string failure, CancellationToken cancellationToken)
    {
        var container = await ImageEngine.RunAsync(_docker, parent, command, log, failure, cancellationToken).ConfigureAwait(false);
        return await ImageEngine.CommitAsync(_docker, container, parent, [], repository, tag, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> ChangeAsync(string change, ImageInspectResponse parent, string? tag, string? repository, CancellationToken cancellationToken)
    {
        var container = await ImageEngine.CreateAsync(_docker, parent, cancellationToken).ConfigureAwait(false);
        return await ImageEngine.CommitAsync(_docker, container, parent, [change], repository, tag, cancellationToken).ConfigureAwait(false);
    }
}
