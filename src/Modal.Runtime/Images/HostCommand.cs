using System.Diagnostics;

namespace Modal.Images;

/// <summary>Runs a program on the control plane's machine (debootstrap, tar) with its output copied to the build log.</summary>
internal static class HostCommand
{
    /// <summary>Finds <paramref name="program"/> on PATH (and in the sbin folders, where debootstrap lives); null when absent.</summary>
    public static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var folders = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/local/sbin"]);
        return folders.Select(f => Path.Combine(f, program)).FirstOrDefault(File.Exists);
    }

    /// <summary>Runs to completion; throws <see cref="InvalidError"/> with the last lines of output when it fails.</summary>
    public static async Task RunAsync(string program, IReadOnlyList<string> arguments, TextWriter log, string prefix, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidError($"Could not start {program}.");
        process.StandardInput.Close();
        var tail = new Queue<string>();
        async Task Pump(StreamReader reader)
        {
            while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > 20)
                    {
                        tail.Dequeue();
                    }

                    log.WriteLine(prefix + line);
                }
            }
        }

        var pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await pumps.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidError(
                $"`{Path.GetFileName(program)} {string.Join(' ', arguments)}` exited with code {process.ExitCode}. Its last output:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}");
        }
    }
}
