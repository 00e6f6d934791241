using Modal.Generators.Tasks;
using Modal.Generators.Tests.RoundTrip;
using Modal.Manifest;

namespace Modal.Generators.Tests;

/// <summary>The MSBuild task that writes modal.manifest.json, run on this test assembly (it holds RoundTripApp).</summary>
public sealed class ManifestTaskTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("modal-manifest-").FullName;

    [Fact]
    public void TheManifestIsReadFromTheAssemblysMetadata()
    {
        var json = WriteModalManifest.ReadManifest(typeof(RoundTripApp).Assembly.Location, out var registry);

        Assert.Equal("Modal.Generators.Tests.RoundTrip.RoundTripApp+ModalRegistry", registry);
        Assert.Equal(RoundTripApp.ModalRegistry.ManifestJsonConstant, json);
    }

    [Fact]
    public void ExecuteWritesTheFileAndKeepsItWhenUnchanged()
    {
        var path = Path.Combine(_directory, "out", AppManifest.FileName);
        var task = new WriteModalManifest { AssemblyPath = typeof(RoundTripApp).Assembly.Location, ManifestPath = path };

        Assert.True(task.Execute());
        Assert.True(task.Written);
        Assert.Equal("roundtrip", AppManifest.Parse(File.ReadAllText(path)).App);

        var firstWrite = File.ReadAllText(path);
        Assert.True(task.Execute());
        Assert.Equal(firstWrite, File.ReadAllText(path));
    }

    [Fact]
    public void AnAssemblyWithoutAnAppGetsNoManifestAndLosesAStaleOne()
    {
        var path = Path.Combine(_directory, AppManifest.FileName);
        File.WriteAllText(path, "stale");
        var task = new WriteModalManifest { AssemblyPath = typeof(AppManifest).Assembly.Location, ManifestPath = path };

        Assert.True(task.Execute());
        Assert.False(task.Written);
        Assert.False(File.Exists(path));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
