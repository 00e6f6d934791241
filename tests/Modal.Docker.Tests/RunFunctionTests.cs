using Modal.Docker.Tests.Support;
using Modal.Images;
using Modal.Manifest;
using static Modal.DockerTestApp.DockerTestApp;

namespace Modal.Docker.Tests;

/// <summary>
/// RunFunction: a function of the app runs in a container of the image built so far, through the worker, and what it
/// writes becomes a layer. Recipes carry a nonce step first, so the step really runs whatever earlier runs cached.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class RunFunctionTests(DockerAppFixture app) : IAsyncLifetime
{
    private readonly string _nonce = Guid.NewGuid().ToString("N");
    private readonly List<BuiltImage> _built = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BuiltLayers.RemoveAsync(_built);

    [Fact]
    public async Task A_function_image_with_a_RunFunction_step_serves_the_files_the_function_wrote_at_build_time()
    {
        var result = await Functions.ReadBaked.RemoteAsync();

        Assert.Equal("baked remote=1 token=none|yes|no token at run time", result);
    }

    [Fact]
    public async Task The_function_gets_its_secrets_which_stay_out_of_the_image_and_a_second_build_takes_the_layer_from_the_cache()
    {
        var secret = "bake-" + _nonce;
        var testApp = BuiltLayers.TestApp(f => f.Name == nameof(Bake) ? f with { Secrets = [secret] } : f);
        var log = new LineLog();
        var recipe = Recipe(Run($"echo {_nonce} > /nonce"), RunFunction(nameof(Bake)));
        BuiltImage first, second;
        using (ImageBuildScope.Begin((name, _) => Task.FromResult<IReadOnlyDictionary<string, string>>(name == secret
                   ? new Dictionary<string, string> { ["BAKE_TOKEN"] = "token-" + _nonce }
                   : throw new NotFoundError($"no secret {name}"))))
        {
            first = await BuildAsync(recipe, testApp, log);
            second = await BuildAsync(recipe, testApp, log);
        }

        Assert.Equal([false, false], first.Steps.Skip(1).Select(s => s.Cached));
        Assert.Equal([true, true], second.Steps.Skip(1).Select(s => s.Cached));
        Assert.Equal(first.ImageId, second.ImageId);
        // The function's output went to the build log, once: the cached build ran nothing.
        Assert.Single(log.Lines, l => l.Contains("bake wrote /opt/baked/result.txt", StringComparison.Ordinal));
        Assert.Equal($"baked remote=1 token=token-{_nonce}", await BuiltLayers.ReadFileAsync(first.ImageId, "/opt/baked/result.txt"));
        using var docker = DockerEngine.Connect();
        var config = (await docker.Images.InspectImageAsync(first.ImageId)).Config;
        Assert.DoesNotContain(config.Env ?? [], e => e.StartsWith("BAKE_TOKEN=", StringComparison.Ordinal) || e.StartsWith("MODAL_BUILD_", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains("token-" + _nonce, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_function_that_throws_fails_the_build_naming_the_step_with_its_exception()
    {
        var error = await Assert.ThrowsAsync<InvalidError>(() =>
            BuildAsync(Recipe(Run($"echo {_nonce} > /nonce"), RunFunction(nameof(BakeFails))), BuiltLayers.TestApp(), new LineLog()));

        Assert.Contains("step 2 (run_function BakeFails)", error.Message);
        Assert.Contains("exited with code 1", error.Message);
        Assert.Contains("bake-failure-marker", error.Message);
    }

    [Fact]
    public async Task A_function_past_its_Timeout_is_stopped_and_fails_the_build()
    {
        var error = await Assert.ThrowsAsync<InvalidError>(() =>
            BuildAsync(Recipe(Run($"echo {_nonce} > /nonce"), RunFunction(nameof(BakeSlowly))), BuiltLayers.TestApp(), new LineLog()));

        Assert.Contains("RunFunction(\"BakeSlowly\") ran past its timeout of 2 s", error.Message);
    }

    [Fact]
    public async Task A_function_with_secrets_is_refused_when_the_build_has_no_secret_store()
    {
        var testApp = BuiltLayers.TestApp(f => f.Name == nameof(Bake) ? f with { Secrets = ["hf"] } : f);

        var error = await Assert.ThrowsAsync<InvalidError>(() => BuildAsync(Recipe(Run($"echo {_nonce} > /nonce"), RunFunction(nameof(Bake))), testApp, new LineLog()));

        Assert.Contains("RunFunction(\"Bake\") needs the variables of secret 'hf'", error.Message);
        Assert.Contains("no secret store", error.Message);
    }

    private async Task<BuiltImage> BuildAsync(ImageManifest recipe, ImageApp testApp, LineLog log)
    {
        var builder = new ImageBuilder(app.Backend.Client, new ImageBuildOptions { Log = log }, app.Backend.DotnetRoot, app.Backend.WorkerPath);
        var image = await builder.BuildAsync(recipe, AppContext.BaseDirectory, testApp, "test", CancellationToken.None);
        _built.Add(image);
        return image;
    }

    private static ImageStepManifest Run(string command) => new() { Kind = ImageStepKinds.RunCommands, Args = [command] };

    private static ImageStepManifest RunFunction(string name) => new() { Kind = ImageStepKinds.RunFunction, Args = [name] };

    private static ImageManifest Recipe(params ImageStepManifest[] steps) =>
        new() { Steps = [new ImageStepManifest { Kind = ImageStepKinds.DebianSlim }, .. steps] };
}
