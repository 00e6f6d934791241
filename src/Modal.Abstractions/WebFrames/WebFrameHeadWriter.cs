using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Modal.WebFrames;

/// <summary>Encodes a head or reset payload into a pooled buffer that grows as needed; reused, one at a time.</summary>
public sealed class WebFrameHeadWriter : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024);
    private int _length;
    private int _countOffset = -1;
    private int _count;

    /// <summary>The payload written since <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Reset()
    {
        _length = 0;
        _countOffset = -1;
        _count = 0;
    }

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);

    public void WriteString(string value)
    {
        var bytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = Grow(4 + bytes);
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)written);
        _length -= bytes - written;
    }

    /// <summary>Starts the header list; <see cref="WriteHeader"/> adds to it until <see cref="EndHeaders"/>.</summary>
    public void BeginHeaders()
    {
        Grow(2);
        _countOffset = _length - 2;
        _count = 0;
    }

    public void WriteHeader(string name, string value)
    {
        if (_count == ushort.MaxValue)
        {
            throw new InvalidOperationException($"A head carries at most {ushort.MaxValue} header values.");
        }

        WriteString(name);
        WriteString(value);
        _count++;
    }

    public void EndHeaders() => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_countOffset), (ushort)_count);

    private Span<byte> Grow(int bytes) => PooledBytes.Append(ref _buffer, ref _length, bytes);

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
