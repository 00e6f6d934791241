using Modal.Docker.Tests.Support;
using Modal.Images;
using Modal.Manifest;

namespace Modal.Docker.Tests;

/// <summary>
/// The layer cache, through the builder: recipes carry a nonce so the first build of each test really runs its steps,
/// whatever earlier runs left in the engine's cache.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class LayerCacheTests(DockerAppFixture app) : IAsyncLifetime
{
    private readonly string _nonce = Guid.NewGuid().ToString("N");
    private readonly string _artifactDir = Directory.CreateTempSubdirectory("modal-layers-").FullName;
    private readonly List<BuiltImage> _built = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Removes the layers this test made: each nonce makes new ones, which would otherwise pile up run after run.</summary>
    public async Task DisposeAsync()
    {
        Directory.Delete(_artifactDir, recursive: true);
        using var docker = DockerEngine.Connect();
        foreach (var image in Enumerable.Reverse(_built))
        {
            var targets = image.Steps.Skip(1).Select(s => $"{ImageBuildOptions.DefaultCacheRepository}:{s.LayerKey}").Append(image.ImageId);
            foreach (var target in targets)
            {
                try
                {
                    await docker.Images.DeleteImageAsync(target, new global::Docker.DotNet.Models.ImageDeleteParameters { Force = true }, CancellationToken.None);
                }
                catch (global::Docker.DotNet.DockerApiException)
                {
                    // Removed already through another tag, or still a parent of a layer removed later.
                }
            }
        }
    }

    [Fact]
    public async Task A_second_build_of_the_same_recipe_takes_every_layer_from_the_cache()
    {
        var recipe = Recipe(Run($"sleep 1; echo {_nonce} > /first"), Run("echo second > /second"));

        var first = await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);
        var second = await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);

        Assert.Equal([false, false], first.Steps.Skip(1).Select(s => s.Cached));
        Assert.Equal([true, true], second.Steps.Skip(1).Select(s => s.Cached));
        Assert.Equal(first.ImageId, second.ImageId);
        // The first build slept a second in its step; the cached one ran nothing.
        Assert.True(second.Duration < first.Duration - TimeSpan.FromSeconds(0.5), $"cached build took {second.Duration}, the first {first.Duration}");
    }

    [Fact]
    public async Task Changing_a_step_rebuilds_it_and_every_step_after_it_but_not_the_ones_before()
    {
        await Builder().BuildAsync(Recipe(Run($"echo {_nonce} > /a"), Run("echo b > /b"), Run("echo c > /c")), _artifactDir, "test", CancellationToken.None);

        var changed = await Builder().BuildAsync(Recipe(Run($"echo {_nonce} > /a"), Run("echo B > /b"), Run("echo c > /c")), _artifactDir, "test", CancellationToken.None);

        Assert.Equal([true, false, false], changed.Steps.Skip(1).Select(s => s.Cached));
    }

    [Fact]
    public async Task ForceBuild_on_a_step_rebuilds_that_step_and_the_ones_after_it()
    {
        await Builder().BuildAsync(Recipe(Run($"echo {_nonce} > /a"), Run("echo b > /b"), Run("echo c > /c")), _artifactDir, "test", CancellationToken.None);

        var forced = await Builder().BuildAsync(Recipe(Run($"echo {_nonce} > /a"), Run("echo b > /b") with { ForceBuild = true }, Run("echo c > /c")), _artifactDir, "test", CancellationToken.None);

        Assert.Equal([true, false, false], forced.Steps.Skip(1).Select(s => s.Cached));
    }

    [Fact]
    public async Task MODAL_FORCE_BUILD_rebuilds_everything_and_refreshes_the_cache()
    {
        var recipe = Recipe(Run($"echo {_nonce} > /a"), Run("date +%s%N > /built-at"));
        var first = await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);

        var forced = await Builder(new ImageBuildOptions { ForceBuild = true, Log = app.BuildLog }).BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);
        var after = await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);

        Assert.All(forced.Steps.Skip(1), s => Assert.False(s.Cached));
        Assert.NotEqual(first.ImageId, forced.ImageId);
        Assert.All(after.Steps.Skip(1), s => Assert.True(s.Cached));
        Assert.Equal(forced.ImageId, after.ImageId);
    }

    [Fact]
    public async Task MODAL_IGNORE_CACHE_rebuilds_without_reading_or_writing_the_cache()
    {
        var recipe = Recipe(Run($"echo {_nonce} > /a"));

        var ignored = await Builder(new ImageBuildOptions { IgnoreCache = true, Log = app.BuildLog }).BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);
        var normal = await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);
        var again = await Builder(new ImageBuildOptions { IgnoreCache = true, Log = app.BuildLog }).BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);

        Assert.False(ignored.Steps[1].Cached);
        Assert.False(normal.Steps[1].Cached);
        Assert.False(again.Steps[1].Cached);
        Assert.True((await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None)).Steps[1].Cached);
    }

    [Fact]
    public async Task A_copied_file_is_part_of_its_layer_key_so_changing_its_content_rebuilds_it()
    {
        var file = Path.Combine(_artifactDir, "data.txt");
        await File.WriteAllTextAsync(file, _nonce);
        var recipe = Recipe(new ImageStepManifest { Kind = ImageStepKinds.AddLocalFile, Args = ["data.txt", "/data.txt", "copy"] });

        var first = await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);
        var same = await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);
        await File.WriteAllTextAsync(file, _nonce + " changed");
        var changed = await Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None);

        Assert.False(first.Steps[1].Cached);
        Assert.True(same.Steps[1].Cached);
        Assert.False(changed.Steps[1].Cached);
    }

    [Fact]
    public async Task A_failing_step_fails_the_build_with_the_step_its_exit_code_and_its_output()
    {
        var recipe = Recipe(Run($"echo {_nonce}-about-to-fail; exit 3"));

        var error = await Assert.ThrowsAsync<InvalidError>(() => Builder().BuildAsync(recipe, _artifactDir, "test", CancellationToken.None));

        Assert.Contains("step 1 (run_commands", error.Message);
        Assert.Contains("exited with code 3", error.Message);
        Assert.Contains($"{_nonce}-about-to-fail", error.Message);
    }

    private RecordingBuilder Builder(ImageBuildOptions? options = null) =>
        new(new ImageBuilder(app.Backend.Client, options ?? new ImageBuildOptions { Log = app.BuildLog }), _built);

    /// <summary>Builds and remembers what it built, for cleanup.</summary>
    private sealed class RecordingBuilder(ImageBuilder builder, List<BuiltImage> built)
    {
        public async Task<BuiltImage> BuildAsync(ImageManifest recipe, string artifactDir, string label, CancellationToken cancellationToken)
        {
            var image = await builder.BuildAsync(recipe, artifactDir, label, cancellationToken);
            built.Add(image);
            return image;
        }
    }

    private static ImageStepManifest Run(string command) => new() { Kind = ImageStepKinds.RunCommands, Args = [command] };

    private static ImageManifest Recipe(params ImageStepManifest[] steps) =>
        new() { Steps = [new ImageStepManifest { Kind = ImageStepKinds.DebianSlim }, .. steps] };
}
