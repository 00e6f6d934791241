using System.Reflection;
using Modal.Auth;
using Modal.Dispatch;
using Modal.Backends;
using Modal.ControlPlane;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Server.Tests;

/// <summary>An in-process control plane in server mode, with its admin token, over a temporary state directory.</summary>
internal sealed class ServerFixture : IAsyncDisposable
{
    private ServerFixture(string stateDirectory, ControlPlaneHost host, TokenCredentials admin)
    {
        StateDirectory = stateDirectory;
        Host = host;
        Admin = admin;
    }

    public string StateDirectory { get; }

    public ControlPlaneHost Host { get; }

    public TokenCredentials Admin { get; }

    /// <summary>The test app's build output, copied next to the tests by the project reference.</summary>
    public static string TestAppDirectory => AppContext.BaseDirectory;

    /// <summary>Set to keep the state directory on dispose, for a restart on the same state.</summary>
    public bool KeepState { get; set; }

    public static async Task<ServerFixture> StartAsync(
        ServerModeOptions? serverMode = null, IContainerBackend? backend = null, string? stateDirectory = null, Func<ControlPlaneOptions, ControlPlaneOptions>? configure = null)
    {
        stateDirectory ??= Path.Combine(Path.GetTempPath(), "modal-server-test-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new ControlPlaneOptions
        {
            StateDirectory = stateDirectory,
            ServerMode = serverMode ?? new ServerModeOptions(),
            Backend = backend,
        };
        var host = await ControlPlaneHost.StartAsync(configure is null ? options : configure(options));
        var admin = await host.BootstrapAsync() ?? RestartToken(stateDirectory);
        Tokens[stateDirectory] = admin;
        return new ServerFixture(stateDirectory, host, admin);
    }

    // A restarted server has its tokens already; the test reuses the first start's admin token.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TokenCredentials> Tokens = new();

    private static TokenCredentials RestartToken(string stateDirectory) =>
        Tokens.TryGetValue(stateDirectory, out var token) ? token : throw new InvalidOperationException("A fresh server must create an admin token.");

    public TestConnection Connect(TokenCredentials? token = null) =>
        new(Host.Address, (token ?? Admin).TokenId, (token ?? Admin).TokenSecret);

    /// <summary>A token of another workspace.</summary>
    public async Task<TokenCredentials> TokenOfWorkspaceAsync(string workspace)
    {
        var platform = Host.Platform!;
        await platform.Store.EnsureWorkspaceAsync(workspace, platform.NowMs, CancellationToken.None);
        return await platform.CreateTokenAsync(workspace, CancellationToken.None);
    }

    /// <summary>The test app's manifest, optionally changed (e.g. secrets or RestrictModalAccess on a function).</summary>
    public static string Manifest(Func<FunctionManifest, FunctionManifest>? change = null)
    {
        var attribute = typeof(global::Modal.TestApp.TestApp).Assembly.GetCustomAttribute<ModalRegistryAttribute>()!;
        var json = ((IModalRegistry)Activator.CreateInstance(attribute.RegistryType, nonPublic: true)!).ManifestJson;
        if (change is null)
        {
            return json;
        }

        var manifest = AppManifest.Parse(json);
        return System.Text.Json.JsonSerializer.Serialize(manifest with { Functions = manifest.Functions.Select(change).ToList() }, AppManifest.JsonOptions);
    }

    /// <summary>Deploys the test app through the platform API: uploads what the server lacks, then AppDeploy.</summary>
    public static async Task<AppDeployResponse> DeployAsync(TestConnection connection, string name, string? manifestJson = null)
    {
        var files = new List<DeployFile>();
        foreach (var file in new[] { "Modal.TestApp.dll" })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(TestAppDirectory, file));
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            files.Add(new DeployFile { Path = file, Sha256 = sha, Size = bytes.Length });
        }

        var missingRequest = new DeployMissingFilesRequest();
        missingRequest.Files.AddRange(files);
        var missing = await connection.Platform.DeployMissingFilesAsync(missingRequest, connection.Call);
        foreach (var sha in missing.MissingSha256)
        {
            var file = files.First(f => f.Sha256 == sha);
            var bytes = await File.ReadAllBytesAsync(Path.Combine(TestAppDirectory, file.Path));
            await Payloads.UploadAsync(connection.Api.BlobPut(connection.Call), bytes, CancellationToken.None);
        }

        var request = new AppDeployRequest { Name = name, AssemblyFile = "Modal.TestApp.dll", ManifestJson = manifestJson ?? Manifest() };
        request.Files.AddRange(files);
        return await connection.Platform.AppDeployAsync(request, connection.Call);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (KeepState)
        {
            return;
        }

        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean from the temp folder.
        }
    }
}
