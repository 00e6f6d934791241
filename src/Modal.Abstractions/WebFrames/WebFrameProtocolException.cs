namespace Modal.WebFrames;

/// <summary>The peer sent something the web-frame protocol does not allow; the connection is closed.</summary>
public sealed class WebFrameProtocolException(string message) : IOException("Web-frame protocol error: " + message + ".");
