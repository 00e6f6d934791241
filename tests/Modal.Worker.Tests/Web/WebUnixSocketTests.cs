using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Modal.Manifest;
using Modal.WebFrames;
using Modal.Worker.Web;

namespace Modal.Worker.Tests.Web;

public sealed class WebUnixSocketTests
{
    [Fact]
    public async Task An_endpoint_also_serves_web_frames_on_its_unix_socket_and_http1_on_tcp()
    {
        var directory = Directory.CreateTempSubdirectory("mw");
        var path = Path.Combine(directory.FullName, "web.sock");
        var function = WebHostHarness.Function(typeof(EndpointFunctions), nameof(EndpointFunctions.Greet), new WebManifest { Kind = "endpoint", Method = "GET" });
        await using var host = function.CreateHost(new WebHostOptions(_ => { }, UnixSocketPath: path));
        try
        {
            using var timeout = new CancellationTokenSource(WebHostHarness.Generous);
            var endpoint = await host.StartAsync(timeout.Token);
            Assert.Equal(path, host.UnixSocketPath);

            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            var frames = new FrameRecorder(socket);
            var running = frames.RunAsync();
            using (var head = new WebFrameHeadWriter())
            {
                head.WriteString("GET");
                head.WriteString("/");
                head.WriteString("?name=ada");
                head.WriteString("HTTP/1.1");
                head.BeginHeaders();
                head.WriteHeader("Host", endpoint.ToString());
                head.EndHeaders();
                frames.Append(WebFrameType.RequestHead, WebFrameFlags.EndStream, 1, head.Written);
            }

            frames.Send();
            var (responseHead, payload) = await frames.Frames.Reader.ReadAsync(timeout.Token);
            Assert.Equal((WebFrameType.ResponseHead, 1u), (responseHead.Type, responseHead.StreamId));
            var (status, headers) = ReadResponseHead(payload);
            Assert.Equal(200, status);
            Assert.Contains(headers, h => h.Name == "Content-Type" && h.Value.StartsWith("application/json", StringComparison.Ordinal));
            var body = new StringBuilder();
            var end = responseHead.EndStream;
            while (!end)
            {
                var (header, data) = await frames.Frames.Reader.ReadAsync(timeout.Token);
                Assert.Equal((WebFrameType.Data, 1u), (header.Type, header.StreamId));
                body.Append(Encoding.UTF8.GetString(data));
                end = header.EndStream;
            }

            Assert.Equal("\"hello ada\"", body.ToString());

            using var overTcp = new HttpClient { BaseAddress = new Uri($"http://{endpoint}/"), Timeout = WebHostHarness.Generous };
            using var tcp = await overTcp.GetAsync("?name=bob", timeout.Token);
            Assert.Equal(HttpVersion.Version11, tcp.Version);
            Assert.Equal("hello bob", await tcp.Content.ReadFromJsonAsync<string>(timeout.Token));

            // Stopping closes the frame connection in order once nothing is in flight.
            await host.StopAsync(timeout.Token);
            await running.WaitAsync(timeout.Token);
            Assert.Null(frames.CloseReason);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_handler_that_blocks_its_thread_holds_up_no_other_request_on_its_connection()
    {
        var directory = Directory.CreateTempSubdirectory("mw");
        var path = Path.Combine(directory.FullName, "web.sock");
        var function = WebHostHarness.Function(typeof(EndpointFunctions), nameof(EndpointFunctions.Block), new WebManifest { Kind = "endpoint", Method = "GET" });
        await using var host = function.CreateHost(new WebHostOptions(_ => { }, UnixSocketPath: path));
        var held = "held-" + Guid.NewGuid().ToString("N");
        var open = "open-" + Guid.NewGuid().ToString("N");
        EndpointFunctions.Blocks.GetOrAdd(open, _ => new ManualResetEventSlim()).Set();
        try
        {
            using var timeout = new CancellationTokenSource(WebHostHarness.Generous);
            await host.StartAsync(timeout.Token);
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            var frames = new FrameRecorder(socket);
            _ = frames.RunAsync();

            // Both in one batch: the first blocks the thread that reads the connection.
            AppendGet(frames, 1, $"?key={held}");
            AppendGet(frames, 3, $"?key={open}");
            frames.Send();
            Assert.Equal((3u, "\"released " + open + "\""), await ReadResponseAsync(frames, timeout.Token));
            // And a request that comes after them.
            AppendGet(frames, 5, $"?key={open}");
            frames.Send();
            Assert.Equal((5u, "\"released " + open + "\""), await ReadResponseAsync(frames, timeout.Token));

            EndpointFunctions.Blocks[held].Set();
            Assert.Equal((1u, "\"released " + held + "\""), await ReadResponseAsync(frames, timeout.Token));
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            EndpointFunctions.Blocks.GetOrAdd(held, _ => new ManualResetEventSlim()).Set();
            directory.Delete(recursive: true);
        }
    }

    private static void AppendGet(WebFrameConnection connection, uint stream, string query)
    {
        using var head = new WebFrameHeadWriter();
        head.WriteString("GET");
        head.WriteString("/");
        head.WriteString(query);
        head.WriteString("HTTP/1.1");
        head.BeginHeaders();
        head.EndHeaders();
        connection.Append(WebFrameType.RequestHead, WebFrameFlags.EndStream, stream, head.Written);
    }

    /// <summary>The next complete response (head and body of one stream; streams do not interleave here).</summary>
    private static async Task<(uint Stream, string Body)> ReadResponseAsync(FrameRecorder frames, CancellationToken cancellationToken)
    {
        var (head, _) = await frames.Frames.Reader.ReadAsync(cancellationToken);
        Assert.Equal(WebFrameType.ResponseHead, head.Type);
        var body = new StringBuilder();
        var end = head.EndStream;
        while (!end)
        {
            var (header, data) = await frames.Frames.Reader.ReadAsync(cancellationToken);
            Assert.Equal((WebFrameType.Data, head.StreamId), (header.Type, header.StreamId));
            body.Append(Encoding.UTF8.GetString(data));
            end = header.EndStream;
        }

        return (head.StreamId, body.ToString());
    }

    private static (int Status, List<(string Name, string Value)> Headers) ReadResponseHead(byte[] payload)
    {
        var reader = new WebFrameHeadReader(payload);
        var status = reader.ReadUInt16();
        var headers = new List<(string, string)>();
        for (int i = 0, count = reader.ReadUInt16(); i < count; i++)
        {
            headers.Add((reader.ReadString(), reader.ReadString()));
        }

        return (status, headers);
    }

    /// <summary>The gateway's end of a connection, reduced to recording the frames the host sends.</summary>
    private sealed class FrameRecorder(Socket socket) : WebFrameConnection(socket)
    {
        public Channel<(WebFrameHeader Header, byte[] Payload)> Frames { get; } = Channel.CreateUnbounded<(WebFrameHeader, byte[])>();

        protected override bool WritesOnReader => false;

        protected override void OnFrame(in WebFrameHeader header, ReadOnlySpan<byte> payload) => Frames.Writer.TryWrite((header, payload.ToArray()));

        protected override void OnClosed(Exception? reason) => Frames.Writer.TryComplete();
    }
}
