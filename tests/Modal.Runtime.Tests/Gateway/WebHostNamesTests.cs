using Modal.Gateway;

namespace Modal.Runtime.Tests.Gateway;

public sealed class WebHostNamesTests
{
    [Theory]
    [InlineData("ECorp", "main", "text_to_speech", "flask_app", null, false, "ecorp--text-to-speech-flask-app")]
    [InlineData("ecorp", "main", "web-demo", "F", null, true, "ecorp--web-demo-f-dev")]
    [InlineData("ecorp", "staging", "web-demo", "F", null, false, "ecorp-staging--web-demo-f")]
    [InlineData("ecorp", "main", "web-demo", "F", "Hello_World", false, "ecorp--hello-world")]
    [InlineData("ecorp", "main", "web-demo", "F", "hello-world", true, "ecorp--hello-world-dev")]
    [InlineData("ecorp", "main", "shop", "Cart.Checkout", null, false, "ecorp--shop-cart-checkout")]
    public void The_subdomain_follows_the_reference_rules(string workspace, string environment, string app, string function, string? label, bool ephemeral, string expected) =>
        Assert.Equal(expected, WebHostNames.Subdomain(workspace, environment, "main", app, function, label, ephemeral));

    [Fact]
    public void An_overlong_subdomain_is_cut_to_63_characters_with_a_hash_of_the_whole_and_keeps_its_dev_suffix()
    {
        var longName = WebHostNames.Subdomain("ecorp", "main", "main", "text-to-speech", "really_really_realllly_long_function_name_that_goes_on", null, ephemeral: true);
        var other = WebHostNames.Subdomain("ecorp", "main", "main", "text-to-speech", "really_really_realllly_long_function_name_that_goes_on_and_on", null, ephemeral: true);

        Assert.Equal(WebHostNames.MaxSubdomainLength, longName.Length);
        Assert.EndsWith("-dev", longName);
        Assert.Matches("^ecorp--text-to-speech-really-really-realllly-long-fu[a-z-]*-[0-9a-f]{6}-dev$", longName);
        Assert.NotEqual(longName, other);
    }

    [Theory]
    [InlineData("ecorp--site-hello.localhost:8000", "ecorp--site-hello")]
    [InlineData("ECorp--Site-Hello.localhost", "ecorp--site-hello")]
    [InlineData("127.0.0.1:8000", "127")]
    public void The_host_names_its_subdomain_by_its_first_label(string host, string expected) =>
        Assert.Equal(expected, WebHostNames.FromHost(host));
}
