namespace Modal.TestApp;

/// <summary>Functions the end-to-end tests call: each exercises one path of the platform.</summary>
[App("testapp")]
public static partial class TestApp
{
    [Function]
    public static int Square(int x) => x * x;

    [Function]
    public static async Task<string> EchoAsync(string s)
    {
        await Task.Yield();
        return s;
    }

    [Function]
    public static int Add(int a, int b) => a + b;

    /// <summary>Always throws, so tests can check how a remote exception travels back.</summary>
    [Function]
    public static void Fail(string message) => throw new InvalidOperationException(message);

    /// <summary>Blocks its thread for <paramref name="ms"/>; for timeouts, cancellation and concurrency.</summary>
    [Function]
    public static int Sleep(int ms)
    {
        Thread.Sleep(ms);
        return ms;
    }

    /// <summary>Returns <paramref name="size"/> bytes; large sizes take the blob path.</summary>
    [Function]
    public static byte[] Blob(int size)
    {
        var data = new byte[size];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i % 251);
        }

        return data;
    }

    [Function]
    public static long SumBytes(byte[] data)
    {
        long sum = 0;
        foreach (var b in data)
        {
            sum += b;
        }

        return sum;
    }

    [Function]
    public static string Greet(Person p) =>
        p.Home is null ? $"Hello, {p.Name} ({p.Age})!" : $"Hello, {p.Name} ({p.Age}) from {p.Home.City}!";

    /// <summary>Writes to the function's stdout, so tests can check that logs reach the caller.</summary>
    [Function]
    public static int Print(string text)
    {
        Console.Out.Write(text);
        Console.Out.Flush();
        return text.Length;
    }
}
