using System.Formats.Tar;
using System.Reflection;
using System.Text;
using Docker.DotNet.Models;
using Modal.Dispatch;
using Modal.Images;
using Modal.Manifest;

namespace Modal.Docker.Tests.Support;

/// <summary>Helpers for builder tests: the test app's manifest, reading a file out of an image, and removing what a test built.</summary>
public static class BuiltLayers
{
    /// <summary>The Docker test app as RunFunction steps see it, optionally with some functions changed.</summary>
    public static ImageApp TestApp(Func<FunctionManifest, FunctionManifest>? change = null)
    {
        var attribute = typeof(DockerTestApp.DockerTestApp).Assembly.GetCustomAttribute<ModalRegistryAttribute>()!;
        var manifest = AppManifest.Parse(((IModalRegistry)Activator.CreateInstance(attribute.RegistryType, nonPublic: true)!).ManifestJson);
        return new ImageApp(manifest.Assembly + ".dll", change is null ? manifest.Functions : manifest.Functions.Select(change).ToList());
    }

    /// <summary>The manifest JSON of the Docker test app with only <paramref name="functions"/>.</summary>
    public static string ManifestJson(params FunctionManifest[] functions)
    {
        var attribute = typeof(DockerTestApp.DockerTestApp).Assembly.GetCustomAttribute<ModalRegistryAttribute>()!;
        var manifest = AppManifest.Parse(((IModalRegistry)Activator.CreateInstance(attribute.RegistryType, nonPublic: true)!).ManifestJson);
        return System.Text.Json.JsonSerializer.Serialize(manifest with { Functions = functions }, AppManifest.JsonOptions);
    }

    /// <summary>A file's text from an image, read from a container that is created but never started.</summary>
    public static async Task<string> ReadFileAsync(string imageId, string path)
    {
        using var docker = DockerEngine.Connect();
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters { Image = imageId, Cmd = ["/bin/true"], Entrypoint = [""] });
        try
        {
            var archive = await docker.Containers.GetArchiveFromContainerAsync(created.ID, new GetArchiveFromContainerParameters { Path = path }, statOnly: false);
            using var reader = new TarReader(archive.Stream);
            var entry = await reader.GetNextEntryAsync() ?? throw new FileNotFoundException($"{path} is not in image {imageId}.");
            using var content = new StreamReader(entry.DataStream!, Encoding.UTF8);
            return await content.ReadToEndAsync();
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    /// <summary>Removes the layers of <paramref name="images"/>, newest first; each nonce makes new ones, which would otherwise pile up.</summary>
    public static async Task RemoveAsync(IEnumerable<BuiltImage> images)
    {
        using var docker = DockerEngine.Connect();
        foreach (var image in images.Reverse())
        {
            foreach (var target in image.Steps.Skip(1).Select(s => $"{ImageBuildOptions.DefaultCacheRepository}:{s.LayerKey}").Append(image.ImageId))
            {
                try
                {
                    await docker.Images.DeleteImageAsync(target, new ImageDeleteParameters { Force = true }, CancellationToken.None);
                }
                catch (global::Docker.DotNet.DockerApiException)
                {
                    // Removed already through another tag, or still a parent of a layer removed later.
                }
            }
        }
    }
}
