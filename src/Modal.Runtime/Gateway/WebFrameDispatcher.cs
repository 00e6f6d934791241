using Microsoft.AspNetCore.Hosting.Server;

namespace Modal.Gateway;

/// <summary>Runs a web-frame request through <see cref="IHttpApplication{TContext}"/> the way Kestrel does.</summary>
internal sealed class WebFrameDispatcher<TContext>(IHttpApplication<TContext> application) : IWebFrameDispatcher
    where TContext : notnull
{
    public async Task RunAsync(WebFrameServerStream stream)
    {
        var context = application.CreateContext(stream);
        Exception? error = null;
        try
        {
            await application.ProcessRequestAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        try
        {
            await stream.EndResponseAsync(error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The gateway went away; the stream was reset.
        }

        await stream.FireOnCompletedAsync().ConfigureAwait(false);
        application.DisposeContext(context, error);
        stream.Release();
    }
}
