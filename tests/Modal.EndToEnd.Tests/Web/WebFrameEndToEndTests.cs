using System.Diagnostics;
using System.Net;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests.Web;

/// <summary>
/// The gateway's web-frame hop with real worker processes: many requests share a connection, a client that leaves
/// cancels its handler, a handler that fails mid-response aborts the client's response, and a killed container gets a
/// 502 and then a new container.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WebFrameEndToEndTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Many_concurrent_requests_with_distinct_bodies_share_a_few_connections_and_each_gets_its_own_body_back()
    {
        Assert.NotNull(app.Run);
        using var http = LoopbackHttp.Create(Functions.FrameProbe.GetWebUrl());
        // Sizes past one stream's window, so credits move both ways while other streams run.
        var bodies = Enumerable.Range(0, 48).Select(i =>
        {
            var body = new byte[i % 4 == 0 ? 600_000 + i : 1_000 + i];
            new Random(i).NextBytes(body);
            return body;
        }).ToArray();

        var responses = await Task.WhenAll(bodies.Select(async body =>
        {
            using var response = await http.PostAsync("echo", new ByteArrayContent(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (Body: await response.Content.ReadAsByteArrayAsync(), Pid: response.Headers.GetValues("x-pid").Single(), Connection: response.Headers.GetValues("x-connection").Single());
        }));

        for (var i = 0; i < bodies.Length; i++)
        {
            Assert.True(bodies[i].AsSpan().SequenceEqual(responses[i].Body), $"request {i} got another body back");
        }

        Assert.Single(responses.Select(r => r.Pid).Distinct());
        Assert.InRange(responses.Select(r => r.Connection).Distinct().Count(), 1, 4);
    }

    [Fact]
    public async Task A_client_that_leaves_cancels_the_handlers_request_aborted()
    {
        using var scratch = new Scratch();
        var file = scratch.File("hold");
        using var http = LoopbackHttp.Create(Functions.FrameProbe.GetWebUrl());

        var response = await http.GetAsync($"hold?file={Uri.EscapeDataString(file)}", HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("held", await reader.ReadLineAsync().WaitAsync(LoopbackHttp.Generous));
        await Scratch.WaitForFileAsync(file + ".started");
        Assert.False(File.Exists(file + ".aborted"));

        // Closing an unfinished HTTP/1.1 response closes its connection: the gateway's client is gone.
        reader.Dispose();
        response.Dispose();
        Assert.Equal("aborted", await Scratch.WaitForFileAsync(file + ".aborted"));
    }

    [Fact]
    public async Task A_handler_that_fails_after_its_response_started_aborts_the_clients_response()
    {
        using var scratch = new Scratch();
        var file = scratch.File("fail");
        using var http = LoopbackHttp.Create(Functions.FrameProbe.GetWebUrl());

        using var response = await http.GetAsync($"fail-midway?file={Uri.EscapeDataString(file)}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("partial", await reader.ReadLineAsync().WaitAsync(LoopbackHttp.Generous));
        await File.WriteAllTextAsync(file + ".go", "go");
        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync().WaitAsync(LoopbackHttp.Generous));

        // The container is fine: the next request is answered.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("pid")).StatusCode);
    }

    [Fact]
    public async Task A_container_killed_mid_request_gets_a_502_and_the_next_request_a_new_container()
    {
        using var scratch = new Scratch();
        var file = scratch.File("hang");
        using var http = LoopbackHttp.Create(Functions.FrameProbe.GetWebUrl());

        var hanging = http.GetAsync($"hang?file={Uri.EscapeDataString(file)}");
        var pid = int.Parse(await Scratch.WaitForFileAsync(file + ".started"), System.Globalization.CultureInfo.InvariantCulture);
        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
        }

        using var failed = await hanging;
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Contains("did not answer", await failed.Content.ReadAsStringAsync());

        // The gateway may learn of the death a moment before the scheduler does (its control-plane stream breaks too),
        // and a request in that moment gets a 502 too; once the scheduler knows, the next request starts a new container.
        var deadline = DateTime.UtcNow + Scratch.Patience;
        var answered = await http.GetAsync("pid");
        while (answered.StatusCode == HttpStatusCode.BadGateway && DateTime.UtcNow < deadline)
        {
            answered.Dispose();
            await Task.Delay(100);
            answered = await http.GetAsync("pid");
        }

        using (answered)
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.NotEqual(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), await answered.Content.ReadAsStringAsync());
        }
    }
}
