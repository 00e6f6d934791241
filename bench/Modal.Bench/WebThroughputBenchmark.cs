using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Modal.Bench;

/// <summary>
/// web-throughput: a fixed number of HTTP/1.1 keep-alive clients send GETs to a trivial [WebEndpoint] on a warm
/// container for 10 s, through the embedded control plane's gateway over loopback. The baseline is a bare Kestrel app in
/// this process, configured as the worker configures its own, serving the same handler with the same JSON, driven by
/// the same clients in the same run: the ratio is what the gateway hop and the worker cost.
/// </summary>
internal static class WebThroughputBenchmark
{
    private const int Clients = 16;
    private const int Rounds = 5;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    // The worker answers a [WebEndpoint] with ASP.NET Core's web JSON defaults; the baseline must send the same bytes.
    private static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public static async Task<object> RunAsync()
    {
        await using var app = await BenchApp.RunAsync(ModalOptions.FromEnvironment() with
        {
            StateDirectory = Path.Combine(Path.GetTempPath(), "modal-bench-" + Guid.NewGuid().ToString("N")),
        });
        await using var baseline = await StartBaselineAsync();
        var endpoint = new Uri(BenchApp.Functions.WebPing.GetWebUrl());
        // Host routing picks the endpoint; the connection itself goes to 127.0.0.1, never through a resolver.
        var gateway = new Target("gateway", new Uri($"http://127.0.0.1:{endpoint.Port}/"), endpoint.Authority);
        var bare = new Target("baseline", BaselineAddress(baseline), null);

        var gatewayClients = CreateClients();
        var bareClients = CreateClients();
        try
        {
            // The first request starts the container (a cold start is not what this measures) and fixes the expected body.
            var expected = await GetAsync(gatewayClients[0], gateway, TimeSpan.FromMinutes(3));
            var baselineBody = await GetAsync(bareClients[0], bare, TimeSpan.FromSeconds(30));
            if (expected != baselineBody)
            {
                throw new InvalidOperationException($"The endpoint answered {expected} but the baseline {baselineBody}; they must serve the same JSON.");
            }

            // Both paths JIT-compiled and every keep-alive connection open before anything is timed.
            _ = await DriveAsync(gatewayClients, gateway, expected, WarmUp);
            _ = await DriveAsync(bareClients, bare, expected, WarmUp);

            // Alternating slices, so load from anything else on the machine weighs on both figures alike.
            var web = new Measurement();
            var direct = new Measurement();
            for (var round = 0; round < Rounds; round++)
            {
                var before = CpuTimes.Now();
                web.Add(await DriveAsync(gatewayClients, gateway, expected, Duration / Rounds));
                var between = CpuTimes.Now();
                direct.Add(await DriveAsync(bareClients, bare, expected, Duration / Rounds));
                web.AddCpu(before, between);
                direct.AddCpu(between, CpuTimes.Now());
            }

            return new
            {
                scenario = "web-throughput",
                requests_per_s = Math.Round(web.RequestsPerSecond),
                p99_ms = Math.Round(web.P99Ms, 3),
                baseline_requests_per_s = Math.Round(direct.RequestsPerSecond),
                baseline_p99_ms = Math.Round(direct.P99Ms, 3),
                ratio = Math.Round(web.RequestsPerSecond / direct.RequestsPerSecond, 3),
                p50_ms = Math.Round(web.P50Ms, 3),
                baseline_p50_ms = Math.Round(direct.P50Ms, 3),
                clients = Clients,
                seconds = Duration.TotalSeconds,
                requests = web.Requests,
                baseline_requests = direct.Requests,
                // CPU per request is steadier than requests/s on a shared machine; the worker's is null off Linux.
                cpu_us_per_request = Math.Round(web.ProcessCpuMicroseconds, 1),
                worker_cpu_us_per_request = web.ChildCpuMicroseconds is { } worker ? Math.Round(worker, 1) : (double?)null,
                baseline_cpu_us_per_request = Math.Round(direct.ProcessCpuMicroseconds, 1),
            };
        }
        finally
        {
            foreach (var client in gatewayClients.Concat(bareClients))
            {
                client.Dispose();
            }
        }
    }

    private static HttpClient[] CreateClients() =>
        Enumerable.Range(0, Clients).Select(_ => new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            // One keep-alive connection per client: a fixed number of connections, each with one request at a time.
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ActivityHeadersPropagator = null,
        })
        {
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        }).ToArray();

    /// <summary>Every client sends requests one after another for <paramref name="duration"/>; returns the latencies and the time taken.</summary>
    private static async Task<(List<double>[] Latencies, double Seconds)> DriveAsync(HttpClient[] clients, Target target, string expected, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perClient = await Task.WhenAll(clients.Select(client => Task.Run(() => LoopAsync(client, target, expected, stopAt))));
        return (perClient, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private static async Task<List<double>> LoopAsync(HttpClient client, Target target, string expected, long stopAt)
    {
        var samples = new List<double>(capacity: 65_536);
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var start = Stopwatch.GetTimestamp();
            var body = await GetAsync(client, target, TimeSpan.FromSeconds(60));
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (body != expected)
            {
                throw new InvalidOperationException($"The {target.Name} answered {body}, expected {expected}.");
            }
        }

        return samples;
    }

    private static async Task<string> GetAsync(HttpClient client, Target target, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Address);
        if (target.Host is { } host)
        {
            request.Headers.Host = host;
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The {target.Name} answered {(int)response.StatusCode}: {body}");
        }

        return body;
    }

    /// <summary>The baseline: Kestrel on 127.0.0.1 set up as the worker's own server is, calling the same function.</summary>
    private static async Task<WebApplication> StartBaselineAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "Modal.Bench.Baseline" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(context =>
        {
            var value = BenchApp.WebPing();
            context.Response.ContentType = "application/json; charset=utf-8";
            return JsonSerializer.SerializeAsync(context.Response.Body, value, value.GetType(), Json, context.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }

    private static Uri BaselineAddress(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(new Uri(address).GetLeftPart(UriPartial.Authority) + "/");
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    private sealed record Target(string Name, Uri Address, string? Host);

    /// <summary>CPU time used so far by this process and by its live child processes (null where /proc is missing).</summary>
    private readonly record struct CpuTimes(TimeSpan Process, TimeSpan? Children)
    {
        // Linux's USER_HZ, the unit of /proc/PID/stat's utime and stime, on every architecture .NET runs on.
        private const double TicksPerSecond = 100;

        public static CpuTimes Now() => new(Environment.CpuUsage.TotalTime, ChildrenCpu());

        private static TimeSpan? ChildrenCpu()
        {
            if (!OperatingSystem.IsLinux())
            {
                return null;
            }

            double ticks = 0;
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                string children;
                try
                {
                    children = File.ReadAllText(Path.Combine(task, "children"));
                }
                catch (IOException)
                {
                    continue;
                }

                foreach (var pid in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    try
                    {
                        // Fields after the parenthesised command name: state is the 3rd field, utime the 14th, stime the 15th.
                        var stat = File.ReadAllText($"/proc/{pid}/stat");
                        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                        ticks += double.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                    }
                    catch (IOException)
                    {
                        // The child exited in between.
                    }
                }
            }

            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
    }

    /// <summary>Latencies and time summed over the rounds of one target.</summary>
    private sealed class Measurement
    {
        private readonly List<double> _latencies = [];
        private double _seconds;
        private TimeSpan _processCpu;
        private TimeSpan? _childCpu = TimeSpan.Zero;

        public int Requests => _latencies.Count;

        public double RequestsPerSecond => _latencies.Count / _seconds;

        public double P50Ms => Percentile(0.50);

        public double P99Ms => Percentile(0.99);

        /// <summary>This process's CPU time (clients, and the gateway where it is measured) per request.</summary>
        public double ProcessCpuMicroseconds => _processCpu.TotalMicroseconds / _latencies.Count;

        /// <summary>The CPU time of this process's children (the worker) per request.</summary>
        public double? ChildCpuMicroseconds => _childCpu?.TotalMicroseconds / _latencies.Count;

        public void AddCpu(CpuTimes start, CpuTimes end)
        {
            _processCpu += end.Process - start.Process;
            _childCpu = end.Children - start.Children + _childCpu;
        }

        public void Add((List<double>[] Latencies, double Seconds) round)
        {
            foreach (var client in round.Latencies)
            {
                _latencies.AddRange(client);
            }

            _seconds += round.Seconds;
            _latencies.Sort();
        }

        private double Percentile(double p) => _latencies[Math.Min(_latencies.Count - 1, (int)(_latencies.Count * p))];
    }
}
