using System.Text;
using Docker.DotNet;

namespace Modal.Images;

/// <summary>Reads an attached container's multiplexed stdout/stderr stream as whole lines.</summary>
internal static class ContainerOutputReader
{
    /// <summary>Calls <paramref name="onLine"/> with each line and whether it came from stderr, until the stream ends.</summary>
    public static async Task PumpAsync(MultiplexedStream stream, Action<string, bool> onLine, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var stdout = new LineBuffer();
        var stderr = new LineBuffer();
        while (true)
        {
            MultiplexedStream.ReadResult read;
            try
            {
                read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The connection closed under us (the container was removed): whatever was complete has been delivered.
                break;
            }

            if (read.EOF)
            {
                break;
            }

            var isError = read.Target == MultiplexedStream.TargetStream.StandardError;
            (isError ? stderr : stdout).Append(buffer.AsSpan(0, read.Count), line => onLine(line, isError));
        }

        stdout.Flush(line => onLine(line, false));
        stderr.Flush(line => onLine(line, true));
    }

    private sealed class LineBuffer
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private readonly StringBuilder _line = new();
        private char[] _chars = new char[1024];

        public void Append(ReadOnlySpan<byte> bytes, Action<string> onLine)
        {
            var needed = _decoder.GetCharCount(bytes, flush: false);
            if (_chars.Length < needed)
            {
                _chars = new char[needed];
            }

            var count = _decoder.GetChars(bytes, _chars, flush: false);
            foreach (var c in _chars.AsSpan(0, count))
            {
                if (c == '\n')
                {
                    onLine(_line.ToString().TrimEnd('\r'));
                    _line.Clear();
                }
                else
                {
                    _line.Append(c);
                }
            }
        }

        public void Flush(Action<string> onLine)
        {
            if (_line.Length > 0)
            {
                onLine(_line.ToString());
                _line.Clear();
            }
        }
    }
}
