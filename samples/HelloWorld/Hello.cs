using Modal;

namespace HelloWorld;

/// <summary>
/// The first app: three functions and a local entrypoint that calls them every way Modal offers.
/// Run it with <c>dotnet run --project samples/HelloWorld -- --n 20 --name Ada</c>.
/// </summary>
[App("hello-world")]
public static partial class Hello
{
    /// <summary>Runs in a worker process; its output appears in this terminal, prefixed with the function and input.</summary>
    [Function]
    public static string Greet(string name)
    {
        Console.WriteLine($"greeting {name} from process {Environment.ProcessId}");
        return $"Hello, {name}!";
    }

    [Function(MaxContainers = 2)]
    public static long Square(long x) => x * x;

    [Function]
    public static WordStats CountWords(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new WordStats(words.Length, words.Length == 0 ? "" : words.MaxBy(w => w.Length)!);
    }

    [LocalEntrypoint]
    public static async Task Main(int n = 10, string name = "world")
    {
        Console.WriteLine(await Functions.Greet.RemoteAsync(name));

        // map fans the inputs out over the worker pool and yields results in input order.
        long sum = 0;
        await foreach (var square in Functions.Square.MapAsync(Enumerable.Range(1, n).Select(i => (long)i)))
        {
            sum += square;
        }

        Console.WriteLine($"sum of squares 1..{n} = {sum}");

        // spawn returns at once; the result is fetched later, possibly from another process, by its id.
        var call = await Functions.CountWords.SpawnAsync("the quick brown fox jumps over the lazy dog");
        Console.WriteLine($"spawned {call.ObjectId}");
        var stats = await FunctionCall.FromId<WordStats>(call.ObjectId).GetAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine($"{stats.Words} words, longest '{stats.Longest}'");

        Console.WriteLine($"locally: Square(12) = {Functions.Square.Local(12)}");
    }
}

/// <summary>A user type: the build generates its MessagePack formatter.</summary>
public sealed record WordStats(int Words, string Longest);
