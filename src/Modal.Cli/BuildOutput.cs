using System.Diagnostics;

namespace Modal.Cli;

/// <summary>Finds an app's built assembly from what the user passed: a .dll, a .csproj, or a project folder (built first).</summary>
internal static class BuildOutput
{
    public static async Task<string> ResolveAssemblyAsync(string target, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(target);
        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return File.Exists(path) ? path : throw new InvalidError($"{path} does not exist. Build the app first, or pass its project.");
        }

        var project = path;
        if (Directory.Exists(path))
        {
            var projects = Directory.GetFiles(path, "*.csproj");
            project = projects.Length == 1 ? projects[0] : throw new InvalidError(
                $"{path} holds {projects.Length} project files; pass the .csproj (or the built .dll) to use.");
        }
        else if (!File.Exists(project))
        {
            throw new InvalidError($"{path} does not exist. Pass an app's project folder, .csproj, or built .dll.");
        }

        await RunDotnetAsync(["build", project, "-nologo", "-v:q"], cancellationToken).ConfigureAwait(false);
        var targetPath = (await RunDotnetAsync(["msbuild", project, "-nologo", "-getProperty:TargetPath"], cancellationToken).ConfigureAwait(false)).Trim();
        return File.Exists(targetPath) ? targetPath : throw new InvalidError($"Building {project} did not produce {targetPath}.");
    }

    private static async Task<string> RunDotnetAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidError("Could not start `dotnet`; is the .NET SDK on PATH?");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidError($"`dotnet {string.Join(' ', start.ArgumentList)}` failed:\n{await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }

        return await output.ConfigureAwait(false);
    }
}
