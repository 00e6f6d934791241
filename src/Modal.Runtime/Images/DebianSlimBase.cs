using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Modal.Images;

/// <summary>
/// The base of <c>Image.DebianSlim()</c>, built without a registry: <c>debootstrap --variant=minbase bookworm</c>, then
/// imported into the engine under a tag. The tag is the cache: the base is built once per machine, and rebuilt only
/// when it is missing, was made by another builder version, or a recipe forces its base step.
/// </summary>
internal static class DebianSlimBase
{
    /// <summary>The label that marks a base this builder made, with the version of its definition.</summary>
    internal const string Label = "modal.base";

    /// <summary>
    /// What the .NET runtime, which containers get from the host by mount, needs beyond minbase: ICU for globalization,
    /// and OpenSSL with CA certificates for TLS.
    /// </summary>
    internal static readonly string[] Packages = ["ca-certificates", "libicu72", "libssl3"];

    internal static readonly string Version = "debian-bookworm-minbase-1+" + string.Join(',', Packages);

    private const string PathVariable = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Makes sure <paramref name="tag"/> holds the base; returns its image id.</summary>
    public static async Task<string> EnsureAsync(
        DockerClient docker, string tag, bool force, string? mirror, TextWriter log, CancellationToken cancellationToken)
    {
        if (!force && await ImageEngine.TryInspectAsync(docker, tag, cancellationToken).ConfigureAwait(false) is { } existing &&
            existing.Config?.Labels?.TryGetValue(Label, out var version) == true && version == Version)
        {
            return existing.ID;
        }

        var debootstrap = HostCommand.Find("debootstrap") ?? throw new InvalidError(
            "Image.DebianSlim() builds its base offline with debootstrap, which is not installed on the control plane's machine. " +
            "Install it (apt-get install debootstrap), or start the image from a registry with Image.FromRegistry(\"debian:bookworm-slim\").");
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new InvalidError(
                $"Image.DebianSlim() builds its base with debootstrap, which must run as root on Linux; this control plane runs as '{Environment.UserName}'. " +
                $"Build the base once as root (any Modal app with MODAL_BACKEND=docker does it), or import your own as {tag}.");
        }

        var root = Path.Combine(Path.GetTempPath(), "modal-debootstrap-" + Guid.NewGuid().ToString("N")[..12]);
        var started = Stopwatch.GetTimestamp();
        log.WriteLine($"Building the Debian bookworm base {tag} with debootstrap (once per machine)...");
        try
        {
            List<string> arguments = ["--variant=minbase", "--include=" + string.Join(',', Packages), "bookworm", root];
            if (mirror is not null)
            {
                arguments.Add(mirror);
            }

            await HostCommand.RunAsync(debootstrap, arguments, log, "  ", cancellationToken).ConfigureAwait(false);
            // debootstrap leaves its package cache behind; the image does not need it.
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "var/cache/apt/archives"), "*.deb"))
            {
                File.Delete(file);
            }

            var id = await ImportAsync(docker, root, tag, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"Built the base {tag} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s.");
            return id;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                log.WriteLine($"  (could not remove {root}: {ex.Message})");
            }
        }
    }

    private static async Task<string> ImportAsync(DockerClient docker, string root, string tag, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("tar")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--numeric-owner", "-C", root, "-c", "." })
        {
            start.ArgumentList.Add(argument);
        }

        using var tar = Process.Start(start) ?? throw new InvalidError("Could not start tar to import the Debian base.");
        var errors = tar.StandardError.ReadToEndAsync(cancellationToken);
        var (repository, imageTag) = ImageEngine.SplitTag(tag);
        var messages = new List<string>();
        await docker.Images.CreateImageAsync(
            new ImagesCreateParameters
            {
                FromSrc = "-",
                Repo = repository,
                Tag = imageTag,
                Changes = [$"ENV {PathVariable}", "CMD [\"/bin/bash\"]", $"LABEL {Label}=\"{Version}\""],
            },
            tar.StandardOutput.BaseStream,
            null,
            new Progress<JSONMessage>(m =>
            {
                if (m.Error is not null)
                {
                    messages.Add(m.Error.Message);
                }
            }),
            cancellationToken).ConfigureAwait(false);
        await tar.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (tar.ExitCode != 0)
        {
            throw new InvalidError($"tar failed while importing the Debian base: {await errors.ConfigureAwait(false)}");
        }

        var image = await ImageEngine.TryInspectAsync(docker, tag, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidError($"Importing the Debian base as {tag} failed: {string.Join("; ", messages)}");
        return image.ID;
    }
}
