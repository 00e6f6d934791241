using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests.Web;

/// <summary>
/// The worker's side of web functions through the real gateway: real worker processes serve a [WebEndpoint] (binding,
/// 422, streams fed by another function's generator or map), a [WebApp] and a [WebServer].
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkerWebTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task An_endpoint_binds_the_query_and_answers_json()
    {
        Assert.NotNull(app.Run);
        using var http = LoopbackHttp.Create(Functions.DocsGreet.GetWebUrl());

        Assert.Equal("hello ada hello ada", await http.GetFromJsonAsync<string>("?name=ada&times=2"));
        var response = await http.GetAsync("?times=two");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"loc\":[\"query\",\"name\"]", body);
        Assert.Contains("\"loc\":[\"query\",\"times\"]", body);
    }

    [Fact]
    public async Task A_post_endpoint_binds_a_json_body_and_names_a_missing_member()
    {
        using var http = LoopbackHttp.Create(Functions.DescribePerson.GetWebUrl());

        var ok = await http.PostAsJsonAsync("", new { name = "ada", age = 36, home = new { street = "1 Loop Rd", city = "Localhost" } });
        Assert.Equal("ada is 36 and has a home", await ok.Content.ReadFromJsonAsync<string>());

        var missing = await http.PostAsJsonAsync("", new { name = "ada" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        var detail = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail");
        Assert.Contains(detail.EnumerateArray(), item => item.GetProperty("loc").ToString() == """["body","age"]""");
    }

    [Fact]
    public async Task Events_from_a_remote_generator_reach_the_client_as_they_are_produced()
    {
        using var scratch = new Scratch();
        var gate = scratch.File("gate");
        using var http = LoopbackHttp.Create(Functions.StreamCountdown.GetWebUrl());

        using var response = await http.GetAsync($"?n=3&gate={Uri.EscapeDataString(gate)}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // Countdown waits for the gate file after its first item: this event can only come while it still runs.
        Assert.Equal("data: 3", await reader.ReadLineAsync().WaitAsync(LoopbackHttp.Generous));
        await File.WriteAllTextAsync(gate, "go");
        Assert.Equal("\ndata: 2\n\ndata: 1\n\ndata: 0\n\n", await reader.ReadToEndAsync().WaitAsync(LoopbackHttp.Generous));
    }

    [Fact]
    public async Task Events_stream_the_results_of_a_map()
    {
        using var http = LoopbackHttp.Create(Functions.StreamSquares.GetWebUrl());

        var text = await http.GetStringAsync("?n=4");
        var squares = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => int.Parse(line["data: ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([0, 1, 4, 9], squares.Order());
    }

    [Fact]
    public async Task A_web_app_serves_its_own_routes()
    {
        using var http = LoopbackHttp.Create(Functions.HelloApp.GetWebUrl());

        Assert.Equal("hello from an ASP.NET Core app", await http.GetStringAsync(""));
        var square = await http.GetFromJsonAsync<JsonElement>("square/12");
        Assert.Equal(144, square.GetProperty("square").GetInt32());
    }

    [Fact]
    public async Task A_web_server_is_proxied_once_its_port_accepts()
    {
        using var http = LoopbackHttp.Create(Functions.RawServer.GetWebUrl());

        Assert.StartsWith("raw server in process ", await http.GetStringAsync("anything"));
    }

    [Fact]
    public async Task A_web_endpoint_can_still_be_called_remotely()
    {
        Assert.Equal("hello bo", await Functions.DocsGreet.RemoteAsync("bo"));
    }
}
