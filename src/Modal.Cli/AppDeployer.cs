using System.Security.Cryptography;
using Grpc.Core;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Cli;

/// <summary>
/// Deploys a build output folder: hashes every file, uploads the ones the server lacks (content-addressed blobs), and
/// asks for the next version of the app's name. Shared by <c>modal deploy</c> and <c>modal serve</c>.
/// </summary>
internal static class AppDeployer
{
    public static async Task<(AppDeployResponse Response, string Name, int Uploaded, int Total)> DeployAsync(
        CliConnection connection, string assembly, string? name, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(assembly)!;
        var manifestPath = Path.Combine(directory, AppManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidError($"{manifestPath} does not exist: {Path.GetFileName(assembly)} is not a Modal app build (reference Modal.Runtime and build it).");
        }

        var manifestJson = await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        var manifest = AppManifest.Parse(manifestJson);
        var files = new List<(DeployFile File, string FullPath)>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(file);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            files.Add((new DeployFile { Path = Path.GetRelativePath(directory, file).Replace('\\', '/'), Sha256 = hash, Size = stream.Length }, file));
        }

        var missingRequest = new DeployMissingFilesRequest();
        missingRequest.Files.AddRange(files.Select(f => f.File));
        var missing = (await connection.Platform.DeployMissingFilesAsync(missingRequest, connection.Call(cancellationToken)).ConfigureAwait(false))
            .MissingSha256.ToHashSet(StringComparer.Ordinal);
        var uploaded = 0;
        foreach (var (file, fullPath) in files.Where(f => missing.Contains(f.File.Sha256)).DistinctBy(f => f.File.Sha256))
        {
            var content = await File.ReadAllBytesAsync(fullPath, cancellationToken).ConfigureAwait(false);
            var blobId = await Payloads.UploadAsync(connection.Api.BlobPut(connection.Call(cancellationToken)), content, cancellationToken).ConfigureAwait(false);
            if (blobId != file.Sha256)
            {
                throw new InvalidError($"{file.Path} changed while it was uploaded; deploy again.");
            }

            uploaded++;
        }

        var request = new AppDeployRequest
        {
            Name = name ?? manifest.App,
            AssemblyFile = Path.GetFileName(assembly),
            ManifestJson = manifestJson,
            Environment = connection.Environment,
        };
        request.Files.AddRange(files.Select(f => f.File));
        // The streaming deploy: image builds report each step and its output while they run, on stderr (stdout stays
        // the command's result, e.g. its JSON).
        AppDeployResponse? response = null;
        using (var deploy = connection.Platform.AppDeployStream(request, connection.Call(cancellationToken)))
        {
            await foreach (var progress in deploy.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (progress.ProgressCase == AppDeployProgress.ProgressOneofCase.BuildLog)
                {
                    await Console.Error.WriteLineAsync(progress.BuildLog).ConfigureAwait(false);
                }
                else if (progress.ProgressCase == AppDeployProgress.ProgressOneofCase.Result)
                {
                    response = progress.Result;
                }
            }
        }

        return (response ?? throw new InvalidError("The server ended the deploy without a result; deploy again."), request.Name, uploaded, files.Count);
    }
}
