using Modal.Docker.Tests.Support;
using Modal.Images;
using Modal.Manifest;

namespace Modal.Docker.Tests;

/// <summary>
/// FromRegistry(tag, secret): the secret's REGISTRY_USERNAME/REGISTRY_PASSWORD reach the real engine's pull as its
/// registry credentials. The registry is a loopback stand-in that checks Basic auth (no registry is reachable here).
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class RegistryAuthTests(DockerAppFixture app)
{
    [Fact]
    public async Task The_secret_credentials_reach_the_registry_through_the_engine_pull()
    {
        var password = "s3cret-" + Guid.NewGuid().ToString("N")[..8];
        await using var registry = new FakeRegistry("robot", password);
        var reference = $"127.0.0.1:{registry.Port}/private/app:{Guid.NewGuid():N}";

        InvalidError error;
        using (ImageBuildScope.Begin((name, _) => Task.FromResult<IReadOnlyDictionary<string, string>>(name == "registry"
                   ? new Dictionary<string, string> { ["REGISTRY_USERNAME"] = "robot", ["REGISTRY_PASSWORD"] = password }
                   : throw new NotFoundError($"no secret {name}"))))
        {
            error = await Assert.ThrowsAsync<InvalidError>(() => Build(reference, "registry"));
        }

        // The engine asked the registry with exactly the secret's credentials, and got as far as the image's manifest.
        Assert.Contains($"robot:{password}", registry.Credentials);
        Assert.Contains(registry.Paths, p => p.StartsWith("/v2/private/app/manifests/", StringComparison.Ordinal));
        Assert.Contains($"Pulling {reference} failed", error.Message);
    }

    [Fact]
    public async Task Wrong_credentials_fail_the_build_with_the_registry_answer_and_what_to_check()
    {
        await using var registry = new FakeRegistry("robot", "right");
        var reference = $"127.0.0.1:{registry.Port}/private/app:{Guid.NewGuid():N}";

        InvalidError error;
        using (ImageBuildScope.Begin((_, _) => Task.FromResult<IReadOnlyDictionary<string, string>>(
                   new Dictionary<string, string> { ["REGISTRY_USERNAME"] = "robot", ["REGISTRY_PASSWORD"] = "wrong" })))
        {
            error = await Assert.ThrowsAsync<InvalidError>(() => Build(reference, "registry"));
        }

        Assert.Contains("robot:wrong", registry.Credentials);
        Assert.Contains($"Pulling {reference} failed", error.Message);
        Assert.Contains("REGISTRY_USERNAME and REGISTRY_PASSWORD", error.Message);
    }

    [Fact]
    public async Task A_secret_without_the_registry_variables_is_refused_naming_them()
    {
        var reference = "127.0.0.1:9/private/app:1";

        InvalidError error;
        using (ImageBuildScope.Begin((_, _) => Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["TOKEN"] = "x" })))
        {
            error = await Assert.ThrowsAsync<InvalidError>(() => Build(reference, "misnamed"));
        }

        Assert.Contains("The secret 'misnamed'", error.Message);
        Assert.Contains("REGISTRY_USERNAME and REGISTRY_PASSWORD", error.Message);
    }

    [Fact]
    public async Task Without_a_secret_store_a_private_registry_recipe_is_refused_saying_where_secrets_live()
    {
        var error = await Assert.ThrowsAsync<InvalidError>(() => Build("127.0.0.1:9/private/app:1", "registry"));

        Assert.Contains("no secret store", error.Message);
        Assert.Contains("modal server", error.Message);
    }

    private Task<BuiltImage> Build(string reference, string secret) =>
        new ImageBuilder(app.Backend.Client, new ImageBuildOptions { Log = app.BuildLog }).BuildAsync(
            new ImageManifest { Steps = [new ImageStepManifest { Kind = ImageStepKinds.FromRegistry, Args = [reference, secret] }] },
            AppContext.BaseDirectory, "test", CancellationToken.None);
}
