namespace Modal.Worker.Tests;

public sealed class AppLoadContextTests
{
    [Theory]
    [InlineData("Modal.Abstractions", true)]
    [InlineData("Modal.Runtime", true)]
    [InlineData("MessagePack", true)]
    [InlineData("MessagePack.Annotations", true)]
    [InlineData("Grpc.Net.Client", true)]
    [InlineData("Google.Protobuf", true)]
    [InlineData("Microsoft.Extensions.Logging.Abstractions", true)]
    [InlineData("Microsoft.AspNetCore.Http.Abstractions", true)]
    [InlineData("Newtonsoft.Json", false)]
    [InlineData("ModalLike", false)]
    [InlineData("System.Text.Json", false)]
    public void Assemblies_the_worker_is_built_on_resolve_to_the_worker(string name, bool shared) =>
        Assert.Equal(shared, AppLoadContext.IsShared(name));

    [Fact]
    public void A_missing_app_assembly_is_reported_with_what_to_do()
    {
        var error = Assert.Throws<InvalidError>(() => AppLoader.Load(Path.GetTempPath(), "does-not-exist.dll"));
        Assert.Contains("does not exist", error.Message);
        Assert.Contains("rebuild", error.Message);
    }

    [Fact]
    public void An_assembly_without_a_registry_is_rejected()
    {
        // xunit's own assembly is a real .NET assembly with no [assembly: ModalRegistry].
        var xunit = typeof(FactAttribute).Assembly.Location;
        var error = Assert.Throws<InvalidError>(() => AppLoader.Load(Path.GetDirectoryName(xunit)!, Path.GetFileName(xunit)));
        Assert.Contains("ModalRegistry", error.Message);
    }
}
