namespace Modal.Generators.Model;

/// <summary><c>[WebEndpoint]</c> (kind <c>endpoint</c>), <c>[WebApp]</c> (<c>app</c>) or <c>[WebServer]</c> (<c>server</c>).</summary>
internal sealed record WebModel(
    string Kind,
    string? Method,
    bool? Docs,
    string? Label,
    bool? RequiresProxyAuth,
    int? Port,
    double? StartupTimeoutSeconds);
