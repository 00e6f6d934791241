using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Modal.Generators.Model;

/// <summary>
/// Where a diagnostic points, kept as plain values: holding a <see cref="Location"/> would keep its syntax tree and
/// compilation alive across generator runs and break the caching of every stage after it.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public static LocationInfo? From(SyntaxNode? node) => From(node?.GetLocation());

    public static LocationInfo? From(ISymbol? symbol) =>
        symbol is null || symbol.Locations.IsDefaultOrEmpty ? null : From(symbol.Locations[0]);
}
