using System.Diagnostics;
using Modal.Auth;

namespace Modal.Server.Tests;

/// <summary>`modal` (Modal.Cli.dll next to the tests) as a real process, pointed at a server with a token and a private HOME.</summary>
internal static class CliProcess
{
    /// <summary>The test app's build output (next to the tests, through the project reference), with its manifest.</summary>
    public static string TestAppAssembly
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Modal.sln")))
            {
                directory = directory.Parent;
            }

            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(directory!.FullName, "tests", "TestApps", "Modal.TestApp", "bin", configuration, "net10.0", "Modal.TestApp.dll");
        }
    }

    public static Process Start(Uri server, TokenCredentials token, params string[] arguments)
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

        var home = Path.Combine(Path.GetTempPath(), "modal-cli-home-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(home);
        start.Environment["HOME"] = home;
        start.Environment["USERPROFILE"] = home;
        start.Environment["COLUMNS"] = "400";
        start.Environment["MODAL_SERVER_URL"] = server.ToString().TrimEnd('/');
        start.Environment["MODAL_TOKEN_ID"] = token.TokenId;
        start.Environment["MODAL_TOKEN_SECRET"] = token.TokenSecret;
        start.Environment.Remove("MODAL_CONFIG_PATH");
        start.Environment.Remove("MODAL_PROFILE");
        start.Environment.Remove("MODAL_ENVIRONMENT");
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Runs a command to its end: exit code, stdout, stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(Uri server, TokenCredentials token, params string[] arguments)
    {
        using var process = Start(server, token, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after a generous timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting until " + what);
            await Task.Delay(100);
        }
    }
}
