using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Modal.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace Modal.Runtime.Tests.Gateway;

[Collection(MeasuredCollection.Name)]
public sealed class GatewayStreamingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Server_sent_events_reach_the_client_before_the_last_one_is_written()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Events"));
        await using var upstream = await Upstream.StartAsync("sse");
        using var client = Web.Client();

        var sending = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Events"], "/sse"), HttpCompletionOption.ResponseHeadersRead);
        await using var container = await Web.ServeNextAsync(controlPlane, upstream);
        using var response = await sending;
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The container writes the last event only after the client has read the first through the gateway.
        Assert.Equal("data: first", await reader.ReadLineAsync(TestControlPlane.Deadline));
        Assert.False(upstream.FirstEventSeen.Task.IsCompleted);
        upstream.FirstEventSeen.SetResult();
        Assert.Equal("", await reader.ReadLineAsync(TestControlPlane.Deadline));
        Assert.Equal("data: last", await reader.ReadLineAsync(TestControlPlane.Deadline));
    }

    [Fact]
    public async Task A_websocket_echoes_a_2_MiB_message_through_the_gateway()
    {
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Socket"));
        await using var upstream = await Upstream.StartAsync("ws");
        var url = new Uri(created.WebUrls["Socket"]);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Host", url.Authority);
        var gateway = controlPlane.Host.WebBaseAddress;

        var connecting = socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.Port}/ws"), TestControlPlane.Deadline);
        await using var container = await Web.ServeNextAsync(controlPlane, upstream);
        await connecting;
        var message = new byte[2 * 1024 * 1024];
        Random.Shared.NextBytes(message);
        await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, TestControlPlane.Deadline);

        var echoed = new MemoryStream();
        var buffer = new byte[128 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, TestControlPlane.Deadline);
            echoed.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
        Assert.True(message.AsSpan().SequenceEqual(echoed.ToArray()));
        // The connection holds its container's slot for its whole life, and gives it back when it closes.
        var function = controlPlane.Host.Scheduler.GetFunctionById(created.FunctionIds["Socket"]);
        Assert.Equal((0, 1), function.WebCounts());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", TestControlPlane.Deadline);
        await GatewayScalingTests.WaitUntilAsync(() => function.WebCounts() == (0, 0));
    }

    [Fact]
    public async Task A_1_GiB_upload_streams_through_without_being_buffered()
    {
        const long size = 1L << 30;
        await using var controlPlane = await TestControlPlane.StartAsync();
        var created = await controlPlane.CreateAppAsync(Web.Function("Upload"));
        using var client = Web.Client();
        // Warm the path first, so the measurement below covers the upload alone.
        var warm = client.SendAsync(Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Upload"]));
        var (container, upstream) = await Web.ServeNextOverSocketAsync(controlPlane, "upload");
        await using var _ = container;
        await using var __ = upstream;
        (await warm).Dispose();
        Assert.Equal("frames", upstream.LastProtocol);

        var request = Web.Request(controlPlane.Host.WebBaseAddress, created.WebUrls["Upload"], "/upload", HttpMethod.Post);
        request.Content = new StreamContent(new GeneratedStream(size), 64 * 1024);
        request.Content.Headers.ContentLength = size;
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var process = Process.GetCurrentProcess();
        var workingSetBefore = process.WorkingSet64;
        using var response = await client.SendAsync(request);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        var peakGrowth = process.PeakWorkingSet64 - workingSetBefore;

        output.WriteLine($"1 GiB upload through the gateway: {allocated:N0} bytes allocated, peak working set +{peakGrowth:N0} bytes");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
        // The client, the gateway and the container all run in this process: a copy of the body anywhere would show here.
        Assert.True(allocated < 128L * 1024 * 1024, $"{allocated:N0} bytes were allocated while 1 GiB streamed through the gateway");
        Assert.True(peakGrowth < 512L * 1024 * 1024, $"the peak working set grew by {peakGrowth:N0} bytes during a 1 GiB upload");
    }

    /// <summary>A read-only stream of <paramref name="length"/> generated bytes that holds none of them.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            buffer[..n].Fill((byte)(_position & 0xff));
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
