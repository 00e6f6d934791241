using System.Text.Json;
using Microsoft.Extensions.Logging;
using Modal.Auth;
using Modal.Images;
using Modal.Protocol;
using Modal.Scheduling;

namespace Modal.Deployments;

/// <summary>
/// Named, versioned deployments. A deploy rebuilds the build output from content-addressed blobs the client uploaded
/// (only files the server lacked), creates a deployed app, and retires the previous version once its calls have
/// finished: new calls go to the new version at once, and nothing the old one accepted is dropped.
/// </summary>
internal sealed class DeploymentService(Scheduler scheduler, PlatformServices platform, string stateDirectory, ILogger logger)
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(250);
    private readonly SemaphoreSlim _deployGate = new(1, 1);

    /// <summary>
    /// Files the server lacks for <paramref name="workspace"/>: blobs are workspace-scoped, so a file another workspace
    /// uploaded counts as missing (uploading it makes it this workspace's too). Null checks existence only, for a
    /// rollback, whose files come from the workspace's own history.
    /// </summary>
    public IReadOnlyList<string> MissingFiles(string? workspace, IEnumerable<DeployFile> files) =>
        files.Select(f => f.Sha256).Distinct(StringComparer.Ordinal)
            .Where(sha => !scheduler.Blobs.Exists(sha) || (workspace is not null && !platform.OwnsBlob(workspace, sha)))
            .ToList();

    public async Task<AppDeployResponse> DeployAsync(string workspace, AppDeployRequest request, int rollbackOf, CancellationToken cancellationToken, TextWriter? buildLog = null)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw new InvalidError("A deploy needs an app name: pass --name, or deploy a build whose manifest names its app.");
        }

        var environment = EnvironmentOf(request.Environment);
        // Both name a folder of the state directory.
        ValidateName(request.Name, "app name");
        ValidateName(environment, "environment");
        var missing = MissingFiles(rollbackOf > 0 ? null : workspace, request.Files);
        if (missing.Count > 0)
        {
            throw new InvalidError(
                $"{missing.Count} file(s) of the build output were not uploaded (first: {missing[0]}). Upload them with BlobPut after DeployMissingFiles, then deploy again.");
        }

        await _deployGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var history = await platform.Store.HistoryAsync(workspace, environment, request.Name, cancellationToken).ConfigureAwait(false);
            var version = history.Count == 0 ? 1 : history[0].Version + 1;
            var directory = Path.Combine(stateDirectory, "deployments", workspace, environment, request.Name, "v" + version);
            await MaterializeAsync(directory, request.Files, cancellationToken).ConfigureAwait(false);

            // Secrets must exist before anything starts, so a deploy that names a missing one fails here, not in a container.
            var manifest = Manifest.AppManifest.Parse(request.ManifestJson);
            var secretNames = manifest.Functions.SelectMany(f => f.Secrets ?? []).Distinct(StringComparer.Ordinal).ToList();
            await platform.ResolveSecretsAsync(workspace, environment, secretNames, cancellationToken).ConfigureAwait(false);

            // Image builds run inside CreateAppAsync: they read this workspace's secrets (private registries, RunFunction)
            // and copy their log to the deploying client.
            using var build = ImageBuildScope.Begin(
                async (name, ct) => await platform.ResolveSecretsAsync(workspace, environment, [name], ct).ConfigureAwait(false),
                buildLog);
            var created = await scheduler.CreateAppAsync(new AppCreateRequest
            {
                Name = request.Name,
                State = AppState.Deployed,
                ArtifactDir = directory,
                AssemblyFile = request.AssemblyFile,
                ManifestJson = request.ManifestJson,
                Environment = environment,
            }, cancellationToken, workspace).ConfigureAwait(false);
            await platform.SetOwnerAsync([created.AppId, .. created.FunctionIds.Values], workspace, durable: true, cancellationToken).ConfigureAwait(false);
            await platform.Store.AddDeploymentAsync(new DeploymentRecord
            {
                Workspace = workspace,
                Environment = environment,
                Name = request.Name,
                Version = version,
                AppId = created.AppId,
                AssemblyFile = request.AssemblyFile,
                ManifestJson = request.ManifestJson,
                FilesJson = JsonSerializer.Serialize(request.Files.Select(f => new StoredFile(f.Path, f.Sha256, f.Size)).ToList()),
                DeployedAtMs = platform.NowMs,
                RollbackOf = rollbackOf,
            }, cancellationToken).ConfigureAwait(false);

            foreach (var previous in history.Where(h => !h.Stopped))
            {
                Retire(previous.AppId, created.AppId);
            }

            logger.LogInformation("Deployed {App} version {Version} ({AppId}) in {Workspace}/{Environment}", request.Name, version, created.AppId, workspace, environment);
            var response = new AppDeployResponse { AppId = created.AppId, Version = version };
            response.FunctionIds.Add(created.FunctionIds);
            response.WebUrls.Add(created.WebUrls);
            return response;
        }
        finally
        {
            _deployGate.Release();
        }
    }

    public async Task<AppDeployResponse> RollbackAsync(string workspace, AppRollbackRequest request, CancellationToken cancellationToken)
    {
        var environment = EnvironmentOf(request.Environment);
        var history = await platform.Store.HistoryAsync(workspace, environment, request.Name, cancellationToken).ConfigureAwait(false);
        if (history.Count == 0)
        {
            throw new NotFoundError($"App '{request.Name}' has never been deployed in environment '{environment}'; there is nothing to roll back.");
        }

        var target = request.Version == 0
            ? history.Skip(1).FirstOrDefault() ?? throw new InvalidError($"App '{request.Name}' has only one version; there is no earlier one to roll back to.")
            : history.FirstOrDefault(h => h.Version == request.Version) ?? throw new NotFoundError(
                $"App '{request.Name}' has no version {request.Version}; its versions are {string.Join(", ", history.Select(h => h.Version).Order())}.");
        var files = JsonSerializer.Deserialize<List<StoredFile>>(target.FilesJson) ?? [];
        var deploy = new AppDeployRequest { Name = request.Name, AssemblyFile = target.AssemblyFile, ManifestJson = target.ManifestJson, Environment = environment };
        deploy.Files.AddRange(files.Select(f => new DeployFile { Path = f.Path, Sha256 = f.Sha256, Size = f.Size }));
        return await DeployAsync(workspace, deploy, target.Version, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> StopAsync(string workspace, AppStopByNameRequest request, CancellationToken cancellationToken)
    {
        var environment = EnvironmentOf(request.Environment);
        var history = await platform.Store.HistoryAsync(workspace, environment, request.Name, cancellationToken).ConfigureAwait(false);
        var live = history.Where(h => !h.Stopped).ToList();
        if (live.Count == 0)
        {
            // Not deployed: a running ephemeral or detached app (`modal run [--detach]`) of that name or id.
            var running = scheduler.Apps
                .Where(a => !a.IsStopped && a.State is AppState.Ephemeral or AppState.Detached && a.Environment == environment &&
                            (a.Name == request.Name || a.AppId == request.Name) && platform.OwnerOf(a.AppId) == workspace)
                .ToList();
            foreach (var app in running)
            {
                await scheduler.StopAppAsync(app.AppId).ConfigureAwait(false);
            }

            if (running.Count > 0)
            {
                return running[0].AppId;
            }

            throw new NotFoundError($"No deployed app named '{request.Name}' runs in environment '{environment}' of workspace '{workspace}'. `modal app list` shows the apps.");
        }

        await platform.Store.MarkStoppedAsync(workspace, environment, request.Name, cancellationToken).ConfigureAwait(false);
        foreach (var version in live)
        {
            if (scheduler.Apps.Any(a => a.AppId == version.AppId && !a.IsStopped))
            {
                await scheduler.StopAppAsync(version.AppId).ConfigureAwait(false);
            }
        }

        return live[0].AppId;
    }

    /// <summary>After a restart: versions that a newer deploy replaced are retired again once drained.</summary>
    public async Task ResumeRetirementsAsync(CancellationToken cancellationToken)
    {
        var running = scheduler.Apps.Where(a => !a.IsStopped).Select(a => a.AppId).ToHashSet(StringComparer.Ordinal);
        foreach (var group in (await platform.Store.AllDeploymentsAsync(cancellationToken).ConfigureAwait(false))
                     .GroupBy(d => (d.Workspace, d.Environment, d.Name)))
        {
            var newest = group.MaxBy(d => d.Version)!.AppId;
            foreach (var stale in group.OrderByDescending(d => d.Version).Skip(1).Where(d => running.Contains(d.AppId)))
            {
                Retire(stale.AppId, newest);
            }
        }
    }

    public string EnvironmentOf(string environment) => string.IsNullOrWhiteSpace(environment) ? "main" : environment;

    /// <summary>
    /// Stops <paramref name="appId"/> once <paramref name="successorId"/> serves its web endpoints and everything the
    /// old version accepted (calls, gateway requests) has finished.
    /// </summary>
    private void Retire(string appId, string successorId)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await HandOverWebAsync(appId, successorId).ConfigureAwait(false);
                while (!scheduler.Stopping.IsCancellationRequested && (scheduler.HasUnfinishedCalls(appId) || scheduler.HasWebWork(appId)))
                {
                    await Task.Delay(DrainPoll, scheduler.Stopping).ConfigureAwait(false);
                }

                if (scheduler.Apps.Any(a => a.AppId == appId && !a.IsStopped))
                {
                    await scheduler.StopAppAsync(appId).ConfigureAwait(false);
                    logger.LogInformation("Retired {AppId}: a newer version serves its app", appId);
                }
            }
            catch (OperationCanceledException) when (scheduler.Stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Retiring {AppId} failed", appId);
            }
        });
    }

    /// <summary>
    /// A web function that serves requests now keeps taking them until the new version has a container ready (started
    /// here, ahead of traffic), so the URL never waits for a cold start; then the old version gets no new requests. A
    /// [WebServer] port is the exception: the new container can only bind it once the old one is gone, so the old version
    /// stops taking requests at once and new ones queue until the new container is up.
    /// </summary>
    private async Task HandOverWebAsync(string appId, string successorId)
    {
        var old = scheduler.Apps.FirstOrDefault(a => a.AppId == appId);
        var successor = scheduler.Apps.FirstOrDefault(a => a.AppId == successorId);
        if (old is null)
        {
            return;
        }

        var handovers = new List<(FunctionRuntime Old, FunctionRuntime Next)>();
        foreach (var function in old.Functions.Values.Where(f => f.IsWeb))
        {
            if (successor is not null && successor.Functions.TryGetValue(function.Name, out var next) && next.IsWeb &&
                function.WebServerPort is null && function.HasWebContainer)
            {
                await scheduler.WarmWebAsync(next).ConfigureAwait(false);
                handovers.Add((function, next));
            }
            else
            {
                function.Superseded = true;
            }
        }

        foreach (var (function, next) in handovers)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(next.StartupTimeoutMs) + Gateway.WebGateway.QueueMargin;
            while (!scheduler.Stopping.IsCancellationRequested && !next.HasWebContainer && !next.IsStopped && DateTime.UtcNow < deadline)
            {
                await Task.Delay(DrainPoll, scheduler.Stopping).ConfigureAwait(false);
            }

            if (!next.HasWebContainer)
            {
                logger.LogWarning("Version {AppId} of {Function} had no container serving HTTP in time; its old version stops taking requests anyway", successorId, next.Name);
            }

            function.Superseded = true;
        }
    }

    private async Task MaterializeAsync(string directory, IEnumerable<DeployFile> files, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        foreach (var file in files)
        {
            var target = Path.GetFullPath(Path.Combine(root, file.Path));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidError($"Deploy file path '{file.Path}' leaves the build output folder; send paths relative to it.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using var source = scheduler.Blobs.OpenRead(file.Sha256);
            await using var destination = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void ValidateName(string name, string what)
    {
        if (name.Length > 64 || name.StartsWith('.') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new InvalidError($"'{name}' is not a valid {what}: use up to 64 letters, digits, '-', '_' or '.', not starting with '.'.");
        }
    }

    private sealed record StoredFile(string Path, string Sha256, long Size);
}
