using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace Modal.Worker.Tests.Web;

public enum Tone
{
    Plain,
    Loud,
}

public sealed record Person(string Name, int Age, string? Nickname = null);

/// <summary>User-shaped [WebEndpoint] functions the worker's endpoint host serves in these tests.</summary>
public static class EndpointFunctions
{
    /// <summary>Gates of streaming functions: a test opens one after it has read the events before it.</summary>
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();

    public static TaskCompletionSource Gate(string key) =>
        Gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Events a <see cref="Block"/> call waits for; the test sets them.</summary>
    public static readonly ConcurrentDictionary<string, ManualResetEventSlim> Blocks = new();

    /// <summary>A synchronous handler that holds its thread (no await) until the test lets it go.</summary>
    [Function]
    public static string Block(string key)
    {
        Blocks.GetOrAdd(key, _ => new ManualResetEventSlim()).Wait(TimeSpan.FromMinutes(2));
        return "released " + key;
    }

    [Function]
    public static string Greet(string name, int times = 1, bool shout = false, Tone tone = Tone.Plain, Guid? id = null, DateOnly? day = null)
    {
        var text = string.Join(" ", Enumerable.Repeat($"hello {name}", times));
        text = shout || tone == Tone.Loud ? text.ToUpperInvariant() : text;
        return id is null && day is null ? text : $"{text} ({id}, {day:yyyy-MM-dd})";
    }

    [Function]
    public static Dictionary<string, object> Describe(Person person) => new()
    {
        ["summary"] = $"{person.Name} is {person.Age}",
        ["nickname"] = person.Nickname ?? "-",
    };

    [Function]
    public static int Sum(Dictionary<string, int> values) => values.Values.Sum();

    [Function]
    public static string Both(Person person, Dictionary<string, int> scores, string label = "x") => $"{label}:{person.Name}:{scores.Count}";

    [Function]
    public static async Task<Person> Older(string name, int age)
    {
        await Task.Yield();
        return new Person(name, age + 1);
    }

    [Function]
    public static IResult Teapot(string? flavour) => Results.Text($"short and stout ({flavour ?? "plain"})", "text/plain", statusCode: StatusCodes.Status418ImATeapot);

    [Function]
    public static Task<IResult> Created(int id) => Task.FromResult(Results.Created($"/items/{id}", new { id }));

    [Function]
    public static void Nothing()
    {
    }

    [Function]
    public static int Fail(string message) => throw new InvalidOperationException(message);

    [Function]
    public static async IAsyncEnumerable<int> Count(string gate, int n, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < n; i++)
        {
            yield return i;
            if (i == 0)
            {
                // The test reads the first event before this opens: proof the event was not held back until the end.
                await Gate(gate).Task.WaitAsync(cancellationToken);
            }
        }
    }

    [Function]
    public static IEnumerable<string> Lines(int n)
    {
        for (var i = 0; i < n; i++)
        {
            yield return $"line {i}";
        }
    }

    [Function]
    public static IEnumerable<int> Evens(int n) => Enumerable.Range(0, n).Select(i => i * 2).ToList();

    [Function]
    public static async IAsyncEnumerable<Person> People()
    {
        yield return new Person("ada", 36);
        await Task.Yield();
        throw new InvalidOperationException("ran out of people");
    }
}
