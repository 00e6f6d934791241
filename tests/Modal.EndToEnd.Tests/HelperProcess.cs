using System.Diagnostics;

namespace Modal.EndToEnd.Tests;

/// <summary>Runs Modal.EndToEnd.Helper.dll (copied next to the tests) as a second client process.</summary>
internal sealed class HelperProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _lineArrived = new(0);

    private HelperProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Add(e.Data);
            }

            _lineArrived.Release();
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_lines)
                {
                    _lines.Add("stderr: " + e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public static HelperProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "Modal.EndToEnd.Helper.dll");
        var startInfo = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!Path.GetFileNameWithoutExtension(startInfo.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Under a test host whose process is not the dotnet muxer, fall back to the muxer on PATH.
            startInfo.FileName = "dotnet";
        }

        startInfo.ArgumentList.Add(helper);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Remove("MODAL_SERVER_URL");
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        return new HelperProcess(Process.Start(startInfo)!);
    }

    /// <summary>Waits for a line of stdout that starts with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lines)
            {
                var line = _lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (line is not null)
                {
                    return line[prefix.Length..].Trim();
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (_process.HasExited && !await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200))))
            {
                throw new TimeoutException($"The helper did not print '{prefix}'. Its output:{Environment.NewLine}{Output}");
            }

            await _lineArrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join(Environment.NewLine, _lines);
            }
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.Dispose();
    }
}
