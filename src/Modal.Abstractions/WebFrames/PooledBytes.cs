using System.Buffers;

namespace Modal.WebFrames;

/// <summary>Appending to a byte array rented from the shared pool, which is swapped for a larger one when full.</summary>
internal static class PooledBytes
{
    /// <summary>Extends the written part of <paramref name="buffer"/> by <paramref name="bytes"/> and returns the new span.</summary>
    public static Span<byte> Append(ref byte[] buffer, ref int length, int bytes)
    {
        if (buffer.Length - length < bytes)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + bytes));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        var span = buffer.AsSpan(length, bytes);
        length += bytes;
        return span;
    }
}
