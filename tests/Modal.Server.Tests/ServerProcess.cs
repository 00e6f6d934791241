using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Modal.Server.Tests;

/// <summary>`modal server` as a real process (Modal.Cli.dll next to the tests), with its own HOME so its profile is private.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<JsonElement> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>Pids of the worker processes this server started (its children running Modal.Worker.dll).</summary>
    public IReadOnlyList<int> WorkerPids()
    {
        var pids = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (parent == _process.Id && File.ReadAllText(Path.Combine(directory, "cmdline")).Contains("Modal.Worker.dll", StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
        }

        return pids;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server and waits for its "listening" line.</summary>
    public static Task<(ServerProcess Process, Uri Address)> StartAsync(string home, string stateDirectory, int port, params string[] extra) =>
        StartAsync(home, stateDirectory, port, new Dictionary<string, string>(), extra);

    /// <summary>Starts the server with extra environment variables (a test crash point) and waits for its "listening" line.</summary>
    public static async Task<(ServerProcess Process, Uri Address)> StartAsync(
        string home, string stateDirectory, int port, IReadOnlyDictionary<string, string> environment, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Modal.Cli.dll"));
        foreach (var argument in (string[])["server", "--state-dir", stateDirectory, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web-port", "0", "--json", .. extra])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = home;
        start.Environment["USERPROFILE"] = home;
        start.Environment.Remove("MODAL_SERVER_URL");
        start.Environment.Remove("MODAL_TOKEN_ID");
        start.Environment.Remove("MODAL_TOKEN_SECRET");
        start.Environment.Remove("MODAL_CONFIG_PATH");
        start.Environment.Remove("MODAL_PROFILE");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var server = new ServerProcess(Process.Start(start)!);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var listening = await server._listening.Task.WaitAsync(timeout.Token);
            return (server, new Uri(listening.GetProperty("serverUrl").GetString()!));
        }
        catch (OperationCanceledException)
        {
            server.Dispose();
            throw new TimeoutException("`modal server` did not start listening. Its output:" + Environment.NewLine + server.Output);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs; its workers see stdin close and exit on their own.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the server to end on its own (a crash point); fails with its output after a generous timeout.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("`modal server` did not exit. Its output:" + Environment.NewLine + Output);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.StartsWith("{\"event\":\"listening\"", StringComparison.Ordinal))
        {
            _listening.TrySetResult(JsonDocument.Parse(line).RootElement.Clone());
        }
    }
}
