namespace Modal.Bench;

/// <summary>The web-throughput scenario's endpoint, and the reply it and the scenario's bare Kestrel baseline both send.</summary>
public static partial class BenchApp
{
    /// <summary>
    /// A trivial GET endpoint on one container that takes many requests at once, so the scenario measures forwarding,
    /// not a cold start or a queue. No MinContainers: the other scenarios run this app too, and the scenario's warm-up
    /// starts the container.
    /// </summary>
    [Function(MaxContainers = 1), Concurrent(MaxInputs = 64), WebEndpoint]
    public static Pong WebPing() => new("pong", 1);
}

/// <summary>What <see cref="BenchApp.WebPing"/> answers, as JSON.</summary>
public sealed record Pong(string Message, int Version);
