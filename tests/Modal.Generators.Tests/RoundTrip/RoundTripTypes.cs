namespace Modal.Generators.Tests.RoundTrip;

// The shapes the round-trip app reaches, kept together because each is only a sample of one construction rule.

public enum Color
{
    Red,
    Green,
    Blue = 7,
}

/// <summary>A record with a primary constructor, a nested user type, a list of them, and an init-only extra.</summary>
public sealed record Customer(string Name, int Age, Address? Home, List<Address> Previous)
{
    public Guid Id { get; init; }

    public DateTime Since { get; init; }

    // Computed: not serialized, and rebuilt from the members that are.
    public bool HasHome => Home is not null;

    public bool Equivalent(Customer other) =>
        Name == other.Name && Age == other.Age && Home == other.Home && Previous.SequenceEqual(other.Previous) &&
        Id == other.Id && Since == other.Since;
}

public sealed record Address(string City, string? Street);

/// <summary>A class with a parameterless constructor and settable properties, plus a public field.</summary>
public sealed class Settings
{
    public string Name { get; set; } = "";

    public decimal Budget { get; set; }

    public HashSet<string> Tags { get; set; } = [];

    public Dictionary<Color, bool> Flags { get; init; } = [];

    public int Retries;
}

/// <summary>A struct with a constructor.</summary>
public readonly struct Point(int x, int y)
{
    public int X { get; } = x;

    public int Y { get; } = y;
}

/// <summary>A recursive type.</summary>
public sealed class Node
{
    public int Value { get; set; }

    public Node? Next { get; set; }
}

public sealed record Order(string Id, IReadOnlyList<OrderLine> Lines, decimal Total);

public sealed record OrderLine(string Sku, int Quantity, decimal Price);

/// <summary>A positional record struct.</summary>
public readonly record struct Stamp(DateTimeOffset At, TimeSpan Elapsed, char Mark, ulong Sequence);
