using Modal.Manifest;
using Modal.Protocol;
using Modal.Worker.Web;

namespace Modal.Worker.Tests.Web;

[App("web-lookup")]
public static class LookupApp
{
    [Function(Name = "renamed"), WebEndpoint]
    public static string Original() => "found";

    [Function]
    public static int Plain() => 1;
}

public sealed class WebFunctionTests
{
    [Fact]
    public void The_hello_names_the_method_through_the_entry_key_even_when_renamed()
    {
        var function = WebFunction.FromHello(Hello("renamed", new WebManifest { Kind = "endpoint", Method = "GET" }), typeof(LookupApp).Assembly);

        Assert.NotNull(function);
        Assert.Equal(nameof(LookupApp.Original), function.Method.Name);
        Assert.Equal("endpoint", function.Settings.Kind);
        Assert.Equal("found", function.Invoke([]));
    }

    [Fact]
    public void A_function_without_web_settings_is_not_served_over_http()
    {
        Assert.Null(WebFunction.FromHello(Hello("Plain", web: null), typeof(LookupApp).Assembly));
    }

    [Fact]
    public void An_unknown_web_kind_is_refused_with_what_to_do()
    {
        var function = WebFunction.FromHello(Hello("renamed", new WebManifest { Kind = "websocket-only" }), typeof(LookupApp).Assembly)!;

        var error = Assert.Throws<InvalidError>(() => function.CreateHost(new WebHostOptions(_ => { })));
        Assert.Contains("websocket-only", error.Message);
        Assert.Contains("Rebuild", error.Message);
    }

    private static ContainerHelloResponse Hello(string name, WebManifest? web) => new()
    {
        FunctionName = name,
        EntryKey = $"{typeof(LookupApp).FullName}.{name}",
        FunctionManifestJson = System.Text.Json.JsonSerializer.Serialize(
            new FunctionManifest { Name = name, EntryKey = $"{typeof(LookupApp).FullName}.{name}", Web = web }, AppManifest.JsonOptions),
    };
}
