using System.ComponentModel;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Modal.Manifest;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal deploy &lt;project|dll&gt; [--name N]</c>: uploads the build output content-addressed (only files the server
/// lacks) with its manifest, and deploys it as the next version of the named app.
/// </summary>
public sealed class DeployCommand : ModalCommand<DeployCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<target>")]
        [Description("The app's project folder, .csproj, or built .dll.")]
        public string Target { get; init; } = "";

        [CommandOption("--name")]
        [Description("Deployment name (default: the app's name in its manifest).")]
        public string? Name { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var assembly = await BuildOutput.ResolveAssemblyAsync(settings.Target, cancellationToken).ConfigureAwait(false);
        var directory = Path.GetDirectoryName(assembly)!;
        var manifestPath = Path.Combine(directory, AppManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidError($"{manifestPath} does not exist: {Path.GetFileName(assembly)} is not a Modal app build (reference Modal.Runtime and build it).");
        }

        var manifestJson = await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        var manifest = AppManifest.Parse(manifestJson);
        using var connection = CliConnection.Open(settings.Environment);

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
            Name = settings.Name ?? manifest.App,
            AssemblyFile = Path.GetFileName(assembly),
            ManifestJson = manifestJson,
            Environment = connection.Environment,
        };
        request.Files.AddRange(files.Select(f => f.File));
        var response = await connection.Platform.AppDeployAsync(request, connection.Call(cancellationToken)).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new JsonObject
            {
                ["appId"] = response.AppId,
                ["name"] = request.Name,
                ["version"] = response.Version,
                ["filesUploaded"] = uploaded,
                ["filesTotal"] = files.Count,
                ["functions"] = new JsonObject(response.FunctionIds.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[green]Deployed[/] '{request.Name}' version {response.Version} ({response.AppId}); uploaded {uploaded} of {files.Count} files.");
            foreach (var name in response.FunctionIds.Keys.Order(StringComparer.Ordinal))
            {
                AnsiConsole.MarkupLineInterpolated($"  - {name}");
            }
        }

        return 0;
    }
}
