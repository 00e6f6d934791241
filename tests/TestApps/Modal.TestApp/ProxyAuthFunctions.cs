namespace Modal.TestApp;

/// <summary>An endpoint behind proxy auth, for the CLI's `modal token new --proxy-auth` test against `modal server`.</summary>
public static partial class TestApp
{
    [Function, WebEndpoint(RequiresProxyAuth = true)]
    public static string ProxyAuthHello(string name = "world") => $"hello {name}, you passed proxy auth";
}
