using System.Buffers.Binary;
using System.Text;

namespace Modal.WebFrames;

/// <summary>Decodes a head or reset payload; a payload shorter than it says is a <see cref="WebFrameProtocolException"/>.</summary>
public ref struct WebFrameHeadReader(ReadOnlySpan<byte> payload)
{
    private ReadOnlySpan<byte> _rest = payload;

    public readonly bool End => _rest.IsEmpty;

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public string ReadString()
    {
        var length = ReadUInt32();
        if (length > (uint)_rest.Length)
        {
            throw new WebFrameProtocolException($"a string of {length} bytes overruns its frame");
        }

        return length == 0 ? "" : Encoding.UTF8.GetString(Take((int)length));
    }

    /// <summary>The next string as raw UTF-8, for callers that map well-known values without allocating.</summary>
    public ReadOnlySpan<byte> ReadUtf8()
    {
        var length = ReadUInt32();
        return length > (uint)_rest.Length ? throw new WebFrameProtocolException($"a string of {length} bytes overruns its frame") : Take((int)length);
    }

    private ReadOnlySpan<byte> Take(int bytes)
    {
        if (_rest.Length < bytes)
        {
            throw new WebFrameProtocolException("a head ends in the middle of a field");
        }

        var taken = _rest[..bytes];
        _rest = _rest[bytes..];
        return taken;
    }
}
