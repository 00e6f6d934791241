using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Modal.Generators.Helpers;

/// <summary>How types, identifiers and constants are written into generated source and the manifest.</summary>
internal static class TypeNames
{
    private static readonly SymbolDisplayFormat AnnotatedFormat = SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
        SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat UnqualifiedFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    /// <summary>The type as generated signatures write it: <c>global::</c>-qualified, with nullable annotations and tuple names.</summary>
    public static string Annotated(ITypeSymbol type) => type.ToDisplayString(AnnotatedFormat);

    /// <summary>
    /// The type as a lookup key and in <c>typeof</c>: no nullable reference annotations and no tuple element names, so
    /// that <c>(int a, string b)</c> and <c>(int, string)</c> get one formatter entry.
    /// </summary>
    public static string Unannotated(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return Unannotated(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]";
            case INamedTypeSymbol named:
                if (named.IsTupleType && named.TupleUnderlyingType is { } underlying && !SymbolEqualityComparer.Default.Equals(underlying, named))
                {
                    return Unannotated(underlying);
                }

                if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
                {
                    return Unannotated(named.TypeArguments[0]) + "?";
                }

                if (named.SpecialType != SpecialType.None && !named.IsGenericType)
                {
                    return named.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                }

                var prefix = named.ContainingType is { } containing
                    ? Unannotated(containing)
                    : named.ContainingNamespace is { IsGlobalNamespace: false } ns
                        ? "global::" + ns.ToDisplayString()
                        : "global:";
                var name = prefix + (prefix == "global:" ? ":" : ".") + EscapeIdentifier(named.Name);
                var arguments = named.TypeArguments;
                return arguments.IsDefaultOrEmpty
                    ? name
                    : name + "<" + string.Join(", ", arguments.Select(Unannotated)) + ">";
            default:
                return type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        }
    }

    /// <summary>The type's name without <c>global::</c> (for entry keys and messages): <c>Ns.Hello</c>.</summary>
    public static string Unqualified(INamedTypeSymbol type) => type.ToDisplayString(UnqualifiedFormat);

    public static string EscapeIdentifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A C# identifier for a function name, which may contain characters identifiers cannot.</summary>
    public static string ToIdentifier(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        var identifier = builder.ToString();
        return SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "_" + identifier : identifier;
    }

    /// <summary><c>maxItems</c> becomes <c>max-items</c>, as Modal turns <c>max_items</c> into <c>--max-items</c>.</summary>
    public static string ToKebabCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_')
            {
                builder.Append('-');
            }
            else if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (!char.IsUpper(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    builder.Append('-');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>C# text of a parameter's default value, or null when it has none.</summary>
    public static string? DefaultLiteral(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        var value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return "default";
        }

        var type = parameter.Type;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return $"({Annotated(type)})({Constant(value)})";
        }

        return Constant(value);
    }

    /// <summary>C# text of a constant of a primitive type.</summary>
    public static string Constant(object value) => value switch
    {
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        bool b => b ? "true" : "false",
        float f => float.IsNaN(f) ? "float.NaN" : float.IsPositiveInfinity(f) ? "float.PositiveInfinity" : float.IsNegativeInfinity(f) ? "float.NegativeInfinity" : f.ToString("R", CultureInfo.InvariantCulture) + "F",
        double d => double.IsNaN(d) ? "double.NaN" : double.IsPositiveInfinity(d) ? "double.PositiveInfinity" : double.IsNegativeInfinity(d) ? "double.NegativeInfinity" : d.ToString("R", CultureInfo.InvariantCulture) + "D",
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
        uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "default",
    };
}
