namespace Modal.DockerTestApp;

public static partial class DockerTestApp
{
    /// <summary>A web endpoint whose container is a Docker container: the gateway reaches it over the host's network.</summary>
    [Function, WebEndpoint]
    public static string Greet(string name) => $"hello {name} from {(File.Exists("/.dockerenv") ? "a container" : "the host")}";
}
