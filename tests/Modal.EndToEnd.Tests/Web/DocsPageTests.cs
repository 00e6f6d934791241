using System.Diagnostics;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests.Web;

/// <summary>
/// The docs page of a [WebEndpoint(Docs = true)], rendered by headless Chromium through the gateway: the page's script
/// must fetch openapi.json and build the operation with its parameters, so the dumped DOM names them.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DocsPageTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_docs_page_renders_the_operation_and_its_parameters_in_a_browser()
    {
        Assert.NotNull(app.Run);
        var url = Functions.DocsGreet.GetWebUrl();

        // A cold endpoint starts its container on the first request; warm it so the browser's time goes to rendering.
        using (var http = LoopbackHttp.Create(url))
        {
            Assert.Contains("\"operationId\":\"DocsGreet\"", await http.GetStringAsync("openapi.json"));
        }

        var dom = await DumpDomAsync(url.TrimEnd('/') + "/docs");

        Assert.Contains("data-rendered=\"true\"", dom);
        Assert.Contains("id=\"op-DocsGreet\"", dom);
        Assert.Contains("data-name=\"name\"", dom);
        Assert.Contains("data-name=\"times\"", dom);
        Assert.Contains("Try it out", dom);
    }

    [Fact]
    public async Task The_docs_page_of_a_post_endpoint_shows_its_request_body()
    {
        var url = Functions.DescribePerson.GetWebUrl();
        using (var http = LoopbackHttp.Create(url))
        {
            Assert.Contains("requestBody", await http.GetStringAsync("openapi.json"));
        }

        var dom = await DumpDomAsync(url.TrimEnd('/') + "/docs");

        Assert.Contains("id=\"op-DescribePerson\"", dom);
        Assert.Contains("Request body (application/json), required", dom);
        Assert.Contains("\"age\"", dom);
    }

    /// <summary>The DOM after the page's scripts ran, as Debian's chromium package prints it.</summary>
    private static async Task<string> DumpDomAsync(string url)
    {
        var chromium = FindChromium() ?? throw new InvalidOperationException(
            "This test drives the docs page in headless Chromium, which is not installed. Install Debian's package " +
            "(`apt-get install -y chromium`; .ci/run does) and run the test again.");
        using var profile = new Scratch();
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-proxy-server",
            $"--user-data-dir={profile.File("profile")}",
            // Virtual time runs the page's fetch of openapi.json and its rendering before the DOM is dumped.
            "--virtual-time-budget=30000",
            "--dump-dom", url,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish rendering {url} within 3 minutes. Its stderr: {await stderr}");
        }

        var dom = await stdout;
        Assert.True(process.ExitCode == 0 && dom.Length > 0, $"chromium exited with {process.ExitCode} for {url}: {await stderr}");
        return dom;
    }

    private static string? FindChromium()
    {
        foreach (var name in new[] { "chromium", "chromium-browser" })
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }
}
