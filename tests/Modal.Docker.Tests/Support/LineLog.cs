using System.Collections.Concurrent;
using System.Text;

namespace Modal.Docker.Tests.Support;

/// <summary>A writer that keeps every line written to it (and echoes it to the test output stream), for assertions.</summary>
public sealed class LineLog : TextWriter
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _partial = new();

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public override void Write(char value)
    {
        lock (_partial)
        {
            if (value == '\n')
            {
                _lines.Enqueue(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    /// <summary>Waits until a line matching <paramref name="predicate"/> has been written.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_lines.FirstOrDefault(predicate) is { } line)
            {
                return line;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No matching line within {timeout}. Lines seen:{Environment.NewLine}{string.Join(Environment.NewLine, _lines.TakeLast(40))}");
            }

            await Task.Delay(50);
        }
    }
}
