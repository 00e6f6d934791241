using Microsoft.CodeAnalysis;

namespace Modal.Generators.Analyzers;

/// <summary>The Modal attribute types of one compilation, resolved once when its analysis starts.</summary>
internal sealed class ModalSymbols
{
    private ModalSymbols(Compilation compilation, INamedTypeSymbol function)
    {
        Function = function;
        App = compilation.GetTypeByMetadataName("Modal.AppAttribute");
        Cls = compilation.GetTypeByMetadataName("Modal.ClsAttribute");
        Method = compilation.GetTypeByMetadataName("Modal.MethodAttribute");
        Concurrent = compilation.GetTypeByMetadataName("Modal.ConcurrentAttribute");
        Batched = compilation.GetTypeByMetadataName("Modal.BatchedAttribute");
    }

    public INamedTypeSymbol Function { get; }

    public INamedTypeSymbol? App { get; }

    public INamedTypeSymbol? Cls { get; }

    public INamedTypeSymbol? Method { get; }

    public INamedTypeSymbol? Concurrent { get; }

    public INamedTypeSymbol? Batched { get; }

    /// <summary>The symbols, or null when the compilation does not reference Modal (then there is nothing to check).</summary>
    public static ModalSymbols? Resolve(Compilation compilation) =>
        compilation.GetTypeByMetadataName("Modal.FunctionAttribute") is { } function ? new ModalSymbols(compilation, function) : null;

    public static AttributeData? Find(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null)
        {
            return null;
        }

        foreach (var attribute in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                return attribute;
            }
        }

        return null;
    }
}
