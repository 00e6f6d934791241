namespace Modal.Docker.Tests.Support;

/// <summary>The tests share one app on one engine, and run one at a time: they watch the engine's containers.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerAppFixture>
{
    public const string Name = "docker";
}
