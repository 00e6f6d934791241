namespace Modal.Gateway;

/// <summary>Runs one web-frame request through the server's application (its context type hidden from the connection).</summary>
internal interface IWebFrameDispatcher
{
    Task RunAsync(WebFrameServerStream stream);
}
