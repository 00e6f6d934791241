using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Modal.Worker.Tests.Web;

public sealed class WebEndpointHostTests
{
    [Fact]
    public async Task Query_parameters_bind_to_primitives_with_defaults_and_nullables()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Greet));

        Assert.Equal("hello ada", await web.Client.GetFromJsonAsync<string>("?name=ada"));
        Assert.Equal("HELLO ADA HELLO ADA", await web.Client.GetFromJsonAsync<string>("?name=ada&times=2&shout=true"));
        Assert.Equal("HELLO BOB", await web.Client.GetFromJsonAsync<string>("?name=bob&tone=loud"));
        var id = Guid.NewGuid();
        Assert.Equal($"hello cy ({id}, 2024-02-29)", await web.Client.GetFromJsonAsync<string>($"?name=cy&id={id}&day=2024-02-29"));
    }

    [Fact]
    public async Task A_missing_or_malformed_query_parameter_gets_a_422_naming_it()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Greet));

        var missing = await DetailAsync(await web.Client.GetAsync("?times=2"));
        var item = Assert.Single(missing);
        Assert.Equal("missing", item.GetProperty("type").GetString());
        Assert.Equal(["query", "name"], Location(item));

        var malformed = await DetailAsync(await web.Client.GetAsync("?name=ada&times=many&shout=maybe&tone=quiet"));
        Assert.Equal(3, malformed.Count);
        Assert.Equal(["query", "times"], Location(malformed[0]));
        Assert.Equal("int_parsing", malformed[0].GetProperty("type").GetString());
        Assert.Equal("many", malformed[0].GetProperty("input").GetString());
        Assert.Equal(["query", "shout"], Location(malformed[1]));
        Assert.Equal(["query", "tone"], Location(malformed[2]));
        Assert.Contains("Plain, Loud", malformed[2].GetProperty("msg").GetString());
    }

    [Fact]
    public async Task A_json_body_binds_to_a_record_and_its_result_is_json()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Describe), "POST");

        var response = await web.Client.PostAsJsonAsync("", new { name = "ada", age = 36 });
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var result = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Equal("ada is 36", result!["summary"]);
        Assert.Equal("-", result["nickname"]);
    }

    [Fact]
    public async Task A_body_with_a_missing_or_mistyped_member_gets_a_422_naming_the_member()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Describe), "POST");

        var missing = await DetailAsync(await web.Client.PostAsJsonAsync("", new { name = "ada" }));
        Assert.Equal(["body", "age"], Location(Assert.Single(missing)));
        Assert.Equal("missing", missing[0].GetProperty("type").GetString());

        var mistyped = await DetailAsync(await web.Client.PostAsync("", Json("""{"name": "ada", "age": "old"}""")));
        Assert.Equal(["body", "age"], Location(Assert.Single(mistyped)));
        Assert.Equal("Input should be a valid integer (Int32)", mistyped[0].GetProperty("msg").GetString());
        Assert.Equal("old", mistyped[0].GetProperty("input").GetString());

        var nulled = await DetailAsync(await web.Client.PostAsync("", Json("""{"name": null, "age": 3}""")));
        Assert.Equal(["body", "name"], Location(Assert.Single(nulled)));

        var notJson = await DetailAsync(await web.Client.PostAsync("", Json("{name: ")));
        Assert.Equal("json_invalid", Assert.Single(notJson).GetProperty("type").GetString());

        var absent = await DetailAsync(await web.Client.PostAsync("", null));
        Assert.Equal(["body"], Location(Assert.Single(absent)));
    }

    [Fact]
    public async Task A_json_body_binds_to_a_dictionary()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Sum), "POST");

        Assert.Equal("6", await (await web.Client.PostAsync("", Json("""{"a": 1, "b": 2, "c": 3}"""))).Content.ReadAsStringAsync());
        var bad = await DetailAsync(await web.Client.PostAsync("", Json("""{"a": 1, "b": "two"}""")));
        Assert.Equal(["body", "b"], Location(Assert.Single(bad)));
    }

    [Fact]
    public async Task Several_body_parameters_are_members_of_one_object()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Both), "POST");

        var ok = await web.Client.PostAsync("?label=y", Json("""{"person": {"name": "ada", "age": 1}, "scores": {"x": 1, "z": 2}}"""));
        Assert.Equal("y:ada:2", await ok.Content.ReadFromJsonAsync<string>());

        var missing = await DetailAsync(await web.Client.PostAsync("", Json("""{"person": {"name": "ada"}}""")));
        Assert.Equal(2, missing.Count);
        Assert.Equal(["body", "person", "age"], Location(missing[0]));
        Assert.Equal(["body", "scores"], Location(missing[1]));
    }

    [Fact]
    public async Task Task_results_are_awaited_and_nothing_is_json_null()
    {
        await using (var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Older)))
        {
            var person = await web.Client.GetFromJsonAsync<Person>("?name=ada&age=36");
            Assert.Equal(new Person("ada", 37), person);
        }

        await using (var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Nothing)))
        {
            Assert.Equal("null", await web.Client.GetStringAsync(""));
        }
    }

    [Fact]
    public async Task An_IResult_runs_as_is()
    {
        await using (var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Teapot)))
        {
            var response = await web.Client.GetAsync("?flavour=earl%20grey");
            Assert.Equal((HttpStatusCode)418, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("short and stout (earl grey)", await response.Content.ReadAsStringAsync());
        }

        await using (var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Created)))
        {
            var response = await web.Client.GetAsync("?id=7");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal("/items/7", response.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task An_exception_is_a_500_with_its_message()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Fail));

        var response = await web.Client.GetAsync("?message=the%20disk%20is%20full");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("InvalidOperationException: the disk is full", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Only_the_declared_method_at_the_root_is_served()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Sum), "POST");

        var get = await web.Client.GetAsync("");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Contains("POST", get.Content.Headers.Allow);
        Assert.Equal(HttpStatusCode.NotFound, (await web.Client.PostAsync("elsewhere", Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await web.Client.GetAsync("docs")).StatusCode);
    }

    [Fact]
    public async Task An_async_stream_is_sent_as_server_sent_events_as_they_are_produced()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Count));
        var gate = Guid.NewGuid().ToString("N");

        using var response = await web.Client.GetAsync($"?gate={gate}&n=3", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The function waits at its gate after the first item: reading it here proves nothing is buffered.
        Assert.Equal("data: 0", await reader.ReadLineAsync().WaitAsync(WebHostHarness.Generous));
        Assert.Equal("", await reader.ReadLineAsync());
        Assert.False(EndpointFunctions.Gate(gate).Task.IsCompleted);
        EndpointFunctions.Gate(gate).SetResult();

        Assert.Equal("data: 1\n\ndata: 2\n\n", await reader.ReadToEndAsync().WaitAsync(WebHostHarness.Generous));
    }

    [Fact]
    public async Task A_sync_enumerable_streams_text_items_as_they_are()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Lines));

        using var response = await web.Client.GetAsync("?n=2");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: line 0\n\ndata: line 1\n\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_enumerable_that_is_not_an_iterator_is_a_json_array()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Evens));

        Assert.Equal("[0,2,4]", await web.Client.GetStringAsync("?n=3"));
    }

    [Fact]
    public async Task A_stream_that_fails_midway_ends_with_an_error_event()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.People));

        var text = await web.Client.GetStringAsync("");
        Assert.StartsWith("data: {\"name\":\"ada\",\"age\":36,\"nickname\":null}\n\n", text);
        Assert.Contains("event: error\ndata: {\"detail\":\"InvalidOperationException: ran out of people\"}", text);
    }

    [Fact]
    public async Task Docs_serve_an_openapi_document_of_the_parameters_and_a_page()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.Both), "POST", docs: true);

        var document = await web.Client.GetFromJsonAsync<JsonElement>("openapi.json");
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var operation = document.GetProperty("paths").GetProperty("/").GetProperty("post");
        Assert.Equal("Both", operation.GetProperty("operationId").GetString());
        var label = Assert.Single(operation.GetProperty("parameters").EnumerateArray());
        Assert.Equal("label", label.GetProperty("name").GetString());
        Assert.Equal("query", label.GetProperty("in").GetString());
        Assert.False(label.GetProperty("required").GetBoolean());
        Assert.Equal("x", label.GetProperty("schema").GetProperty("default").GetString());
        var body = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal(["person", "scores"], body.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.True(body.GetProperty("properties").GetProperty("person").GetProperty("properties").TryGetProperty("age", out _));
        Assert.True(operation.GetProperty("responses").TryGetProperty("422", out _));

        var page = await web.Client.GetAsync("docs");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi.json", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Docs_of_a_stream_describe_its_events()
    {
        await using var web = await WebHostHarness.EndpointAsync(nameof(EndpointFunctions.People), docs: true);

        var document = await web.Client.GetFromJsonAsync<JsonElement>("openapi.json");
        var content = document.GetProperty("paths").GetProperty("/").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(content.GetProperty("text/event-stream").GetProperty("itemSchema").GetProperty("properties").TryGetProperty("name", out _));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static object[] Location(JsonElement item) =>
        [.. item.GetProperty("loc").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? (object)e.GetInt32() : e.GetString()!)];

    private static async Task<List<JsonElement>> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("detail").EnumerateArray()];
    }
}
