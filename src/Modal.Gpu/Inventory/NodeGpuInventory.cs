using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Modal.Gpus.Inventory;

/// <summary>
/// The GPUs of this node: from nvidia-smi when it is installed (it gives UUIDs, which name devices independently of
/// CUDA's enumeration order), otherwise from the CUDA driver through ILGPU, otherwise none.
/// </summary>
public sealed class NodeGpuInventory : IGpuInventory
{
    private static readonly TimeSpan NvidiaSmiTimeout = TimeSpan.FromSeconds(20);

    private NodeGpuInventory(IReadOnlyList<GpuDevice> devices, string source, string? note)
    {
        Devices = devices;
        Source = source;
        Note = note;
    }

    public IReadOnlyList<GpuDevice> Devices { get; }

    /// <summary>Where the list came from: <c>nvidia-smi</c>, <c>cuda</c> or <c>none</c>.</summary>
    public string Source { get; }

    /// <summary>Why detection found no GPU or fell back, for the node's startup log; null when nothing went wrong.</summary>
    public string? Note { get; }

    /// <summary>Detects the node's GPUs. Never throws for a node without GPUs: the inventory is then empty.</summary>
    public static Task<NodeGpuInventory> DetectAsync(CancellationToken cancellationToken = default) =>
        DetectAsync(FindOnPath("nvidia-smi"), EnumerateCudaDevices, cancellationToken);

    internal static async Task<NodeGpuInventory> DetectAsync(
        string? nvidiaSmiPath,
        Func<IReadOnlyList<GpuDevice>> enumerateCuda,
        CancellationToken cancellationToken)
    {
        string? note = null;
        if (nvidiaSmiPath is not null)
        {
            var (devices, problem) = await QueryNvidiaSmiAsync(nvidiaSmiPath, cancellationToken).ConfigureAwait(false);
            if (devices is not null)
            {
                return new NodeGpuInventory(devices, "nvidia-smi", devices.Count == 0 ? "nvidia-smi found no devices." : null);
            }

            note = problem;
        }

        try
        {
            var cuda = enumerateCuda();
            if (cuda.Count > 0)
            {
                return new NodeGpuInventory(cuda, "cuda", note);
            }

            note = (note is null ? "" : note + " ") + "The CUDA driver reports no devices.";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            note = (note is null ? "" : note + " ") + $"The CUDA driver could not be queried: {ex.Message}";
        }

        return new NodeGpuInventory(Array.Empty<GpuDevice>(), "none", note);
    }

    private static async Task<(IReadOnlyList<GpuDevice>? Devices, string? Problem)> QueryNvidiaSmiAsync(
        string path,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(path, NvidiaSmiParser.QueryArguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, $"{path} could not be started: {ex.Message}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(NvidiaSmiTimeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var output = await stdout.ConfigureAwait(false);
            var error = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var message = (error + " " + output).Trim();
                // nvidia-smi exits non-zero on a node whose driver sees no GPU; that is an empty node, not a fault.
                if (message.Contains("No devices were found", StringComparison.OrdinalIgnoreCase))
                {
                    return (Array.Empty<GpuDevice>(), null);
                }

                return (null, $"nvidia-smi exited with code {process.ExitCode}: {message}");
            }

            return (NvidiaSmiParser.Parse(output), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the timeout and the kill.
            }

            return (null, $"nvidia-smi did not answer within {NvidiaSmiTimeout.TotalSeconds:0} s.");
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }

    private static IReadOnlyList<GpuDevice> EnumerateCudaDevices()
    {
        using var context = Context.Create(builder => builder.Cuda());
        var devices = new List<GpuDevice>();
        foreach (var device in context.GetCudaDevices())
        {
            devices.Add(GpuDevice.FromDriver(device.DeviceId, device.Name, device.MemorySize / (1024 * 1024), uuid: null));
        }

        return devices;
    }

    internal static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
