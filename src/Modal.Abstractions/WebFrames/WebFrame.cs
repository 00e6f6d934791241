using System.Buffers.Binary;

namespace Modal.WebFrames;

/// <summary>
/// The web-frame protocol between the gateway and a container's web server over a Unix domain socket: each side first
/// sends <see cref="Preface"/>, then frames (a <see cref="WebFrameHeader"/> and its payload). Many requests share one
/// connection as streams, numbered by the gateway. A stream is a request head, optional data frames, a response head,
/// optional data frames, each direction ended by <see cref="WebFrameFlags.EndStream"/>; either side may reset it. Body
/// bytes in flight per stream and direction never exceed <see cref="Window"/>: the receiver grants more with credit frames
/// as it consumes them, so a large upload or a slow reader holds a bounded buffer.
/// Payloads: a request head is method, path (decoded), query (raw, with its '?'), protocol, then headers; a response head
/// is the status (u16) then headers; headers are a u16 count of name/value pairs (a name repeats for several values);
/// strings are a u32 byte count and UTF-8. A reset is a u32 <see cref="WebFrameResetCode"/> and a message; a credit a u32.
/// </summary>
public static class WebFrame
{
    /// <summary>Largest payload a receiver accepts (a head with very many headers); beyond it the connection is broken.</summary>
    public const int MaxPayload = 1 << 20;

    /// <summary>Largest data payload a sender puts in one frame.</summary>
    public const int MaxData = 64 * 1024;

    /// <summary>Body bytes a stream may have in flight per direction before the receiver's credits.</summary>
    public const int Window = 256 * 1024;

    /// <summary>A receiver grants credit once it consumed this many bytes since its last grant.</summary>
    public const int CreditThreshold = Window / 4;

    /// <summary>What each side sends first on a new connection: the protocol and its version.</summary>
    public static ReadOnlySpan<byte> Preface => "modal-web-frames/1\n"u8;

    public static void WriteUInt32(Span<byte> destination, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(destination, value);

    public static uint ReadUInt32(ReadOnlySpan<byte> source) =>
        source.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(source) : throw new WebFrameProtocolException($"a 4-byte payload has {source.Length} bytes");
}
