using System.Buffers.Binary;

namespace Modal.WebFrames;

/// <summary>The fixed part in front of every frame: payload length, stream id, type and flags (little-endian).</summary>
public readonly record struct WebFrameHeader(int Length, uint StreamId, WebFrameType Type, WebFrameFlags Flags)
{
    /// <summary>Bytes of a header on the wire.</summary>
    public const int Size = 10;

    public bool EndStream => (Flags & WebFrameFlags.EndStream) != 0;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], StreamId);
        destination[8] = (byte)Type;
        destination[9] = (byte)Flags;
    }

    /// <summary>Reads a header from the first <see cref="Size"/> bytes; throws <see cref="WebFrameProtocolException"/> on a bad length or type.</summary>
    public static WebFrameHeader Read(ReadOnlySpan<byte> source)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (length is < 0 or > WebFrame.MaxPayload)
        {
            throw new WebFrameProtocolException($"a frame announces {length} payload bytes; at most {WebFrame.MaxPayload} are allowed");
        }

        var type = (WebFrameType)source[8];
        if (type is < WebFrameType.RequestHead or > WebFrameType.Credit)
        {
            throw new WebFrameProtocolException($"unknown frame type {source[8]}");
        }

        return new WebFrameHeader(length, BinaryPrimitives.ReadUInt32LittleEndian(source[4..]), type, (WebFrameFlags)source[9]);
    }
}
