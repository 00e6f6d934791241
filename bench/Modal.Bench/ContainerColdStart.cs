using System.Diagnostics;
using Modal.Backends.Docker;
using Modal.ControlPlane;

namespace Modal.Bench;

/// <summary>
/// `container-cold-start`: the time from a call with no warm container to its result, on the Docker backend under runc
/// and under gVisor (runsc), and the p50 of a warm call. Each cold sample is a fresh app whose image is already built
/// (the build is a deploy cost, not a cold start), measured once its warm pools are up so they do not compete for CPU.
/// </summary>
internal static class ContainerColdStart
{
    private const int Runs = 5;
    private const int WarmCalls = 200;

    public static async Task<object> RunAsync()
    {
        var (runc, warm) = await MeasureAsync("runc", measureWarm: true);
        var (runsc, _) = await MeasureAsync("runsc", measureWarm: false);
        return new
        {
            scenario = "container-cold-start",
            runc_ms = Math.Round(Median(runc), 1),
            runsc_ms = Math.Round(Median(runsc), 1),
            warm_call_p50_ms = Math.Round(warm, 3),
            runs = Runs,
            runc_min_ms = Math.Round(runc.Min(), 1),
            runsc_min_ms = Math.Round(runsc.Min(), 1),
        };
    }

    private static async Task<(double[] Cold, double WarmP50)> MeasureAsync(string runtime, bool measureWarm)
    {
        await using var backend = await DockerBackend.CreateAsync(DockerBackendOptions.FromEnvironment() with
        {
            DefaultRuntime = runtime,
            Images = Images.ImageBuildOptions.FromEnvironment() with { Log = TextWriter.Null },
        });
        var cold = new double[Runs];
        var warmP50 = 0.0;
        for (var i = 0; i < Runs; i++)
        {
            var state = Path.Combine(Path.GetTempPath(), "modal-bench-" + Guid.NewGuid().ToString("N"));
            await using var host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { StateDirectory = state, Backend = backend });
            await using var app = await BenchApp.RunAsync(new ModalOptions { ServerUrl = host.Address, StateDirectory = state });
            await BenchApp.Functions.Echo.RemoteAsync(0);
            await BenchApp.Functions.Increment.RemoteAsync(0);
            await Task.Delay(500);

            var start = Stopwatch.GetTimestamp();
            await BenchApp.Functions.Cold.RemoteAsync(i);
            cold[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            if (measureWarm && i == Runs - 1)
            {
                var samples = new double[WarmCalls];
                for (var j = 0; j < WarmCalls; j++)
                {
                    var call = Stopwatch.GetTimestamp();
                    await BenchApp.Functions.Cold.RemoteAsync(j);
                    samples[j] = Stopwatch.GetElapsedTime(call).TotalMilliseconds;
                }

                warmP50 = Median(samples);
            }
        }

        return (cold, warmP50);
    }

    private static double Median(double[] samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
