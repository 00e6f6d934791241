namespace Modal.Gateway;

/// <summary>The response body of a <see cref="WebFrameServerStream"/>: buffered, sent on flush, when full and at the end.</summary>
internal sealed class WebFrameResponseBody(WebFrameServerStream stream) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>What synchronous I/O on a web-frame request raises: the hop is asynchronous only, whatever AllowSynchronousIO says.</summary>
    internal static InvalidOperationException Synchronous(string operation) => new(
        $"Synchronous {operation} on a web request's body is not supported in a container (the gateway's hop is asynchronous only, " +
        "even with AllowSynchronousIO = true). Use the async methods (ReadAsync, WriteAsync, FlushAsync).");

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        stream.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => stream.FlushAsync(cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => throw Synchronous("Write");

    public override void Flush() => throw Synchronous("Flush");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
