using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Modal.Backends.Docker;

namespace Modal.Images;

/// <summary>The engine operations the builder needs, with the Docker API's quirks handled in one place.</summary>
internal static class ImageEngine
{
    /// <summary>Labels of build containers, so a restarted control plane can tell and reap the ones a crash left.</summary>
    internal static readonly IReadOnlyDictionary<string, string> BuildLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DockerLabels.Managed] = "true",
        [DockerLabels.Owner] = ContainerOwner.Current,
        ["modal.build"] = "true",
    };

    public static async Task<ImageInspectResponse?> TryInspectAsync(DockerClient docker, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.Images.InspectImageAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Splits <c>repo[:tag]</c> (a registry host may carry a port) into the repository and the tag.</summary>
    public static (string Repository, string Tag) SplitTag(string reference)
    {
        if (reference.Contains('@', StringComparison.Ordinal))
        {
            return (reference, "");
        }

        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        return colon > slash ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }

    /// <summary>Pulls <paramref name="reference"/>, writing progress to the log at most once per layer and status.</summary>
    public static async Task PullAsync(DockerClient docker, string reference, AuthConfig? auth, TextWriter log, CancellationToken cancellationToken)
    {
        var (repository, tag) = SplitTag(reference);
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await docker.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = repository, Tag = tag.Length == 0 ? null : tag },
                auth,
                new SynchronousProgress<JSONMessage>(m =>
                {
                    if (m.Error is not null || !string.IsNullOrEmpty(m.ErrorMessage))
                    {
                        errors.Add(m.Error?.Message ?? m.ErrorMessage);
                    }
                    else if (m.Status is { Length: > 0 } status && seen.Add(m.ID + status))
                    {
                        log.WriteLine($"  {(string.IsNullOrEmpty(m.ID) ? "" : m.ID + ": ")}{status}");
                    }
                }),
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            errors.Add(ex.ResponseBody is { Length: > 0 } body ? body.Trim() : ex.Message);
        }

        if (errors.Count > 0 || await TryInspectAsync(docker, reference, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new InvalidError(
                $"Pulling {reference} failed: {(errors.Count > 0 ? string.Join("; ", errors.Distinct()) : "the engine reported no image")}. " +
                "Check the name and tag, that the registry is reachable from the engine, and for a private image, the secret's REGISTRY_USERNAME and REGISTRY_PASSWORD.");
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/> in a container of <paramref name="parent"/> (bypassing its entrypoint, as
    /// Dockerfile RUN does, unless <paramref name="function"/> says the command is the worker), with host networking
    /// so package mirrors are reachable, streaming its output to the log. Returns the stopped container's id for
    /// committing; throws when the command fails or outlives the function's timeout.
    /// </summary>
    public static async Task<string> RunAsync(
        DockerClient docker, ImageInspectResponse parent, IReadOnlyList<string> command, TextWriter log, string failure, CancellationToken cancellationToken,
        FunctionContainer? function = null)
    {
        var host = new HostConfig { NetworkMode = "host" };
        if (function is not null)
        {
            host.Binds = function.Binds.ToList();
            // As for a function's own container: tini forwards the stop signal and reaps what the function started.
            host.Init = true;
        }

        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = parent.ID,
            Cmd = command.ToList(),
            // The worker runs through the image's entrypoint, as in a function's container; shell steps bypass it.
            Entrypoint = function is null && parent.Config?.Entrypoint is { Count: > 0 } ? [""] : null,
            OpenStdin = function is not null,
            StdinOnce = function is not null,
            AttachStdin = function is not null,
            Labels = BuildLabels.ToDictionary(),
            HostConfig = host,
        }, cancellationToken).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(function?.Timeout ?? Timeout.InfiniteTimeSpan);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using (var stream = await docker.Containers.AttachContainerAsync(
                       created.ID, false, new ContainerAttachParameters { Stream = true, Stdin = function is not null, Stdout = true, Stderr = true }, cancellationToken).ConfigureAwait(false))
            {
                await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
                if (function is not null)
                {
                    await stream.WriteAsync(function.Task, 0, function.Task.Length, cancellationToken).ConfigureAwait(false);
                    // The worker reads one line and needs no end of file; closing is a courtesy to an image's entrypoint.
                    try
                    {
                        stream.CloseWrite();
                    }
                    catch (Exception ex) when (ex is IOException or NotSupportedException or ObjectDisposedException)
                    {
                    }
                }

                var tail = new Queue<string>();
                ContainerWaitResponse exit;
                try
                {
                    await ContainerOutputReader.PumpAsync(stream, (line, _) =>
                    {
                        log.WriteLine("  " + line);
                        tail.Enqueue(line);
                        if (tail.Count > 15)
                        {
                            tail.Dequeue();
                        }
                    }, linked.Token).ConfigureAwait(false);
                    exit = await docker.Containers.WaitContainerAsync(created.ID, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new InvalidError(
                        $"{failure}: {function!.Description} ran past its timeout of {function.Timeout.TotalSeconds:0} s and was stopped. " +
                        $"Raise the function's Timeout, or make it faster. Its last output:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}");
                }

                if (exit.StatusCode != 0)
                {
                    throw new InvalidError(
                        $"{failure}: the command exited with code {exit.StatusCode}. Its last output:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}");
                }
            }

            return created.ID;
        }
        catch
        {
            await RemoveQuietlyAsync(docker, created.ID).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates, without starting, a container of <paramref name="parent"/> to commit configuration changes or copied files from.</summary>
    public static async Task<string> CreateAsync(DockerClient docker, ImageInspectResponse parent, CancellationToken cancellationToken)
    {
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = parent.ID,
            Cmd = ["/bin/true"],
            Entrypoint = parent.Config?.Entrypoint is { Count: > 0 } ? [""] : null,
            Labels = BuildLabels.ToDictionary(),
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, cancellationToken).ConfigureAwait(false);
        return created.ID;
    }

    /// <summary>
    /// Commits <paramref name="containerId"/> as a layer over <paramref name="parent"/>, keeping the parent's
    /// configuration (the build container's command and entrypoint override do not leak into the image), with
    /// <paramref name="changes"/> (Dockerfile syntax) applied. Tags it when <paramref name="tag"/> is set. Removes the container.
    /// </summary>
    public static async Task<string> CommitAsync(
        DockerClient docker, string containerId, ImageInspectResponse parent, IReadOnlyList<string> changes, string? repository, string? tag, CancellationToken cancellationToken)
    {
        try
        {
            var committed = await docker.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
            {
                ContainerID = containerId,
                RepositoryName = repository,
                Tag = tag,
                Config = parent.Config,
                Changes = changes.ToList(),
                Pause = false,
            }, cancellationToken).ConfigureAwait(false);
            return committed.ID;
        }
        finally
        {
            await RemoveQuietlyAsync(docker, containerId).ConfigureAwait(false);
        }
    }

    public static async Task RemoveQuietlyAsync(DockerClient docker, string containerId)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
            // Already gone, or being removed: either way it is no longer ours to clean.
        }
    }

    /// <summary>
    /// A tar archive of <paramref name="localPath"/> placed at <paramref name="remotePath"/>, with entries for the
    /// remote path's parent folders, to extract at the container's root.
    /// </summary>
    public static async Task<MemoryStream> TarAsync(string localPath, string remotePath, CancellationToken cancellationToken)
    {
        var archive = new MemoryStream();
        await using (var writer = new System.Formats.Tar.TarWriter(archive, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            var target = remotePath.Trim('/');
            var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var isDirectory = Directory.Exists(localPath);
            for (var i = 0; i < parts.Length - (isDirectory ? 0 : 1); i++)
            {
                var folder = string.Join('/', parts.Take(i + 1)) + "/";
                await writer.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.Directory, folder) { Mode = DirectoryMode }, cancellationToken).ConfigureAwait(false);
            }

            if (!isDirectory)
            {
                await writer.WriteEntryAsync(localPath, target, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(localPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var name = (target.Length == 0 ? "" : target + "/") + Path.GetRelativePath(localPath, entry).Replace('\\', '/');
                    await writer.WriteEntryAsync(entry, Directory.Exists(entry) && !File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint) ? name + "/" : name, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        archive.Position = 0;
        return archive;
    }

    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Progress that runs its handler inline, so messages are all seen before the awaited call returns.</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
