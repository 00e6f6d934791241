namespace Modal;

/// <summary>A running app (<c>ap-…</c>). Disposing it stops the app, its containers and any embedded control plane.</summary>
public sealed class AppRun : IAsyncDisposable
{
    public required string AppId { get; init; }

    public required string AppName { get; init; }

    /// <summary>The app most recently started in this process; generated handles call through it.</summary>
    public static AppRun? Current { get; internal set; }

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
