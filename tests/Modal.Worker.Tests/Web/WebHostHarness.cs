using System.Net;
using System.Reflection;
using Modal.Manifest;
using Modal.Worker.Web;

namespace Modal.Worker.Tests.Web;

/// <summary>Starts one of the worker's web hosts for a test method, with an HTTP client aimed at where it listens.</summary>
internal sealed class WebHostHarness : IAsyncDisposable
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private WebHostHarness(IWebFunctionHost host, IPEndPoint endpoint, List<string> errors)
    {
        Host = host;
        Endpoint = endpoint;
        Errors = errors;
        Client = new HttpClient { BaseAddress = new Uri($"http://{endpoint}/"), Timeout = Generous };
    }

    public IWebFunctionHost Host { get; }

    public IPEndPoint Endpoint { get; }

    public HttpClient Client { get; }

    public List<string> Errors { get; }

    public static WebFunction Function(Type type, string methodName, WebManifest settings) =>
        new(methodName, type.GetMethod(methodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{type.Name} has no method {methodName}"), settings);

    public static Task<WebHostHarness> EndpointAsync(string methodName, string method = "GET", bool docs = false) =>
        StartAsync(Function(typeof(EndpointFunctions), methodName, new WebManifest { Kind = "endpoint", Method = method, Docs = docs }));

    public static async Task<WebHostHarness> StartAsync(WebFunction function)
    {
        var errors = new List<string>();
        var host = function.CreateHost(new WebHostOptions(e =>
        {
            lock (errors)
            {
                errors.Add(e);
            }
        }));
        using var timeout = new CancellationTokenSource(Generous);
        var endpoint = await host.StartAsync(timeout.Token);
        return new WebHostHarness(host, endpoint, errors);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(Generous);
        await Host.StopAsync(timeout.Token);
        await Host.DisposeAsync();
    }
}
