using System.Net.Sockets;
using System.Threading.Channels;
using Modal.Runtime.Tests.Support;
using Modal.WebFrames;

namespace Modal.Runtime.Tests.Gateway;

public sealed class WebFrameCodecTests
{
    [Fact]
    public void A_header_round_trips_and_a_bad_length_or_type_is_a_protocol_error()
    {
        var bytes = new byte[WebFrameHeader.Size];
        var header = new WebFrameHeader(1234, 0xDEADBEEF, WebFrameType.Data, WebFrameFlags.EndStream);
        header.Write(bytes);

        Assert.Equal(header, WebFrameHeader.Read(bytes));
        Assert.True(WebFrameHeader.Read(bytes).EndStream);

        new WebFrameHeader(WebFrame.MaxPayload + 1, 1, WebFrameType.Data, WebFrameFlags.None).Write(bytes);
        Assert.Throws<WebFrameProtocolException>(() => WebFrameHeader.Read(bytes));
        header.Write(bytes);
        bytes[8] = 99;
        Assert.Throws<WebFrameProtocolException>(() => WebFrameHeader.Read(bytes));
    }

    [Fact]
    public void A_head_round_trips_with_repeated_and_non_ascii_headers_and_a_truncated_one_is_a_protocol_error()
    {
        using var writer = new WebFrameHeadWriter();
        writer.WriteString("POST");
        writer.WriteString("/päth");
        writer.WriteString("?q=1");
        writer.BeginHeaders();
        writer.WriteHeader("Set-Cookie", "a=1");
        writer.WriteHeader("Set-Cookie", "b=2");
        writer.WriteHeader("X-Long", new string('x', 100_000));
        writer.EndHeaders();
        var payload = writer.Written.ToArray();

        var reader = new WebFrameHeadReader(payload);
        Assert.Equal("POST", reader.ReadString());
        Assert.Equal("/päth", reader.ReadString());
        Assert.Equal("?q=1", reader.ReadString());
        Assert.Equal(3, reader.ReadUInt16());
        Assert.Equal(("Set-Cookie", "a=1"), (reader.ReadString(), reader.ReadString()));
        Assert.Equal(("Set-Cookie", "b=2"), (reader.ReadString(), reader.ReadString()));
        Assert.Equal(("X-Long", new string('x', 100_000)), (reader.ReadString(), reader.ReadString()));
        Assert.True(reader.End);

        Assert.Throws<WebFrameProtocolException>(() =>
        {
            var truncated = new WebFrameHeadReader(payload.AsSpan(0, payload.Length - 1));
            for (var i = 0; i < 3; i++)
            {
                truncated.ReadString();
            }

            truncated.ReadUInt16();
            for (var i = 0; i < 6; i++)
            {
                truncated.ReadString();
            }
        });
    }

    [Fact]
    public async Task Frames_split_across_receives_byte_by_byte_and_one_larger_than_the_receive_buffer_arrive_whole()
    {
        await using var pair = await SocketPair.CreateAsync();
        var big = new byte[200_000];
        Random.Shared.NextBytes(big);

        // Raw writes from the other end: the preface, a small frame one byte per send, then the large frame.
        await pair.Raw.SendAsync(WebFrame.Preface.ToArray(), SocketFlags.None);
        var small = Frame(WebFrameType.Data, 7, "hello"u8.ToArray(), WebFrameFlags.EndStream);
        foreach (var b in small)
        {
            await pair.Raw.SendAsync(new[] { b }, SocketFlags.None);
        }

        await pair.Raw.SendAsync(Frame(WebFrameType.RequestHead, 9, big, WebFrameFlags.None), SocketFlags.None);

        var first = await pair.Connection.Frames.Reader.ReadAsync(TestControlPlane.Deadline);
        Assert.Equal((WebFrameType.Data, 7u, WebFrameFlags.EndStream, "hello"), (first.Header.Type, first.Header.StreamId, first.Header.Flags, System.Text.Encoding.ASCII.GetString(first.Payload)));
        var second = await pair.Connection.Frames.Reader.ReadAsync(TestControlPlane.Deadline);
        Assert.Equal(9u, second.Header.StreamId);
        Assert.True(big.AsSpan().SequenceEqual(second.Payload));
    }

    [Fact]
    public async Task Appended_frames_leave_after_the_preface_in_order_and_a_peer_without_the_preface_breaks_the_connection()
    {
        await using var pair = await SocketPair.CreateAsync();
        for (uint i = 1; i <= 100; i++)
        {
            Assert.True(pair.Connection.AppendCredit(i, (int)i));
        }

        pair.Connection.Send();
        var expected = WebFrame.Preface.Length + 100 * (WebFrameHeader.Size + 4);
        var received = new byte[expected];
        var offset = 0;
        while (offset < expected)
        {
            offset += await pair.Raw.ReceiveAsync(received.AsMemory(offset), SocketFlags.None, TestControlPlane.Deadline);
        }

        Assert.True(received.AsSpan(0, WebFrame.Preface.Length).SequenceEqual(WebFrame.Preface));
        for (var i = 0; i < 100; i++)
        {
            var at = WebFrame.Preface.Length + i * (WebFrameHeader.Size + 4);
            var header = WebFrameHeader.Read(received.AsSpan(at));
            Assert.Equal((WebFrameType.Credit, (uint)(i + 1)), (header.Type, header.StreamId));
            Assert.Equal((uint)(i + 1), WebFrame.ReadUInt32(received.AsSpan(at + WebFrameHeader.Size, 4)));
        }

        await pair.Raw.SendAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray(), SocketFlags.None);
        await pair.Connection.Closed.WaitAsync(TestControlPlane.Deadline);
        Assert.IsType<WebFrameProtocolException>(pair.Connection.CloseReason);
    }

    [Fact]
    public async Task An_inbound_body_holds_one_window_grants_credit_as_it_is_read_and_a_sender_beyond_its_credit_breaks_the_protocol()
    {
        var granted = new List<int>();
        var inbound = new WebFrameInbound(granted.Add);
        var chunk = new byte[WebFrame.MaxData];
        for (var i = 0; i < WebFrame.Window / WebFrame.MaxData; i++)
        {
            chunk.AsSpan().Fill((byte)i);
            inbound.Append(chunk, end: false);
        }

        Assert.Throws<WebFrameProtocolException>(() => inbound.Append(new byte[1], end: false));

        var read = new byte[WebFrame.CreditThreshold];
        Assert.Equal(read.Length, await inbound.ReadAsync(read, TestControlPlane.Deadline));
        Assert.Equal([WebFrame.CreditThreshold], granted);
        // The ring wraps: what was read makes room for as much again, in order.
        inbound.Append(new byte[WebFrame.CreditThreshold], end: true);
        var total = read.Length;
        int n;
        var buffer = new byte[10_000];
        while ((n = await inbound.ReadAsync(buffer, TestControlPlane.Deadline)) > 0)
        {
            if (total < WebFrame.Window)
            {
                Assert.Equal((byte)(total / WebFrame.MaxData), buffer[0]);
            }

            total += n;
        }

        Assert.Equal(WebFrame.Window + WebFrame.CreditThreshold, total);
        // No credit is granted for a body that has ended.
        Assert.Single(granted);
    }

    [Fact]
    public async Task A_sender_waits_for_credit_and_a_failed_stream_releases_it()
    {
        var window = new WebFrameWindow();
        Assert.Equal(WebFrame.Window, await window.TakeAsync(int.MaxValue, TestControlPlane.Deadline));

        var waiting = window.TakeAsync(100, TestControlPlane.Deadline).AsTask();
        Assert.False(waiting.IsCompleted);
        window.Add(40);
        Assert.Equal(40, await waiting);

        var failing = window.TakeAsync(100, TestControlPlane.Deadline).AsTask();
        window.Fail(new IOException("gone"));
        Assert.Equal("gone", (await Assert.ThrowsAsync<IOException>(() => failing)).Message);
        Assert.Throws<WebFrameProtocolException>(() => window.Add(0));
    }

    private static byte[] Frame(WebFrameType type, uint stream, byte[] payload, WebFrameFlags flags)
    {
        var bytes = new byte[WebFrameHeader.Size + payload.Length];
        new WebFrameHeader(payload.Length, stream, type, flags).Write(bytes);
        payload.CopyTo(bytes, WebFrameHeader.Size);
        return bytes;
    }

    private sealed record Received(WebFrameHeader Header, byte[] Payload);

    /// <summary>A connection that records what it receives (the unit under test is the base class's framing).</summary>
    private sealed class RecordingConnection(Socket socket) : WebFrameConnection(socket)
    {
        public Channel<Received> Frames { get; } = Channel.CreateUnbounded<Received>();

        protected override bool WritesOnReader => false;

        protected override void OnFrame(in WebFrameHeader header, ReadOnlySpan<byte> payload) => Frames.Writer.TryWrite(new Received(header, payload.ToArray()));

        protected override void OnClosed(Exception? reason) => Frames.Writer.TryComplete();
    }

    /// <summary>A <see cref="RecordingConnection"/> on one end of a Unix socket, and the raw other end.</summary>
    private sealed class SocketPair : IAsyncDisposable
    {
        private readonly DirectoryInfo _directory;
        private readonly Task _running;

        private SocketPair(DirectoryInfo directory, RecordingConnection connection, Socket raw)
        {
            _directory = directory;
            Connection = connection;
            Raw = raw;
            _running = connection.RunAsync();
        }

        public RecordingConnection Connection { get; }

        public Socket Raw { get; }

        public static async Task<SocketPair> CreateAsync()
        {
            var directory = Directory.CreateTempSubdirectory("wf");
            var endpoint = new UnixDomainSocketEndPoint(Path.Combine(directory.FullName, "s"));
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(endpoint);
            listener.Listen(1);
            var raw = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await raw.ConnectAsync(endpoint);
            // Synchronously: the connection's socket stays out of the async socket engine.
            var accepted = listener.Accept();
            return new SocketPair(directory, new RecordingConnection(accepted), raw);
        }

        public async ValueTask DisposeAsync()
        {
            Raw.Dispose();
            await _running.WaitAsync(TestControlPlane.Deadline);
            _directory.Delete(recursive: true);
        }
    }
}
