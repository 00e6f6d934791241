using System.Diagnostics;
using System.Text.Json;

namespace Modal.Cli.Tests;

/// <summary>Runs `modal` (Modal.Cli.dll) as a process with a private HOME; keeps a `modal server` running for the commands.</summary>
internal sealed class ModalCli : IAsyncDisposable
{
    private Process? _server;

    public ModalCli()
    {
        Home = Path.Combine(Path.GetTempPath(), "modal-cli-home-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Home);
    }

    public string Home { get; }

    public string ConfigPath => Path.Combine(Home, ".modal.toml");

    public JsonElement Listening { get; private set; }

    /// <summary>Starts `modal server --port 0 --json` and waits for its listening line.</summary>
    public async Task StartServerAsync()
    {
        _server = Process.Start(StartInfo(["server", "--state-dir", Path.Combine(Home, "state"), "--port", "0", "--web-port", "0", "--json"]))!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await _server.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException(
            "`modal server` exited before it listened: " + await _server.StandardError.ReadToEndAsync());
        Listening = JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Runs one command to its end; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = StartInfo(arguments);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) => RunAsync(null, arguments);

    /// <summary>Starts a long-running command (serve) and returns its process; the caller reads its output and ends it.</summary>
    public System.Diagnostics.Process Start(params string[] arguments) => System.Diagnostics.Process.Start(StartInfo(arguments))!;

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A worker that is still exiting may hold a file; the temp folder is cleaned by the OS.
        }
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Modal.Cli.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = Home;
        start.Environment["USERPROFILE"] = Home;
        // Wide output keeps Spectre from wrapping messages the tests look for.
        start.Environment["COLUMNS"] = "400";
        foreach (var name in new[] { "MODAL_SERVER_URL", "MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET", "MODAL_CONFIG_PATH", "MODAL_PROFILE", "MODAL_ENVIRONMENT" })
        {
            start.Environment.Remove(name);
        }

        return start;
    }

    /// <summary>The test app's build output folder (it holds modal.manifest.json), found from the repository root.</summary>
    public static string TestAppAssembly => BuiltAssembly(Path.Combine("tests", "TestApps", "Modal.TestApp"), "Modal.TestApp.dll");

    /// <summary>The WebEndpoints sample's build: web functions and a [LocalEntrypoint].</summary>
    public static string WebSampleAssembly => BuiltAssembly(Path.Combine("samples", "WebEndpoints"), "WebEndpoints.dll");

    private static string BuiltAssembly(string project, string file)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Modal.sln")))
        {
            directory = directory.Parent;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(directory!.FullName, project, "bin", configuration, "net10.0", file);
    }
}
