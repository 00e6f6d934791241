using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Modal.Generators.Analyzers;

/// <summary>
/// Finds the source of a setting named the way <see cref="Modal.Rules.RuleViolation.Setting"/> names it
/// (<c>Function.Gpu</c>, <c>Retries.MaxRetries</c>, <c>Volume[1].MountPath</c>, <c>Cron</c>, <c>Parameter:x</c>), so a
/// diagnostic underlines the argument that wrote the value, not the whole declaration.
/// </summary>
internal static class SettingLocator
{
    /// <summary>A setting of a [Function] method.</summary>
    public static Location Locate(IMethodSymbol method, string? setting, CancellationToken cancellationToken) =>
        Locate(method, method, setting, cancellationToken);

    /// <summary>
    /// A setting of a [Cls] class: the function-level settings are on its [Cls] attribute, and batching (with the
    /// parameters it judges) on its <paramref name="batched"/> method.
    /// </summary>
    public static Location LocateOnClass(INamedTypeSymbol type, IMethodSymbol? batched, string? setting, CancellationToken cancellationToken)
    {
        var onMethod = batched is not null && setting is not null &&
            (setting.StartsWith("Batched", StringComparison.Ordinal) || setting.StartsWith("Parameter:", StringComparison.Ordinal));
        return onMethod ? Locate(batched!, batched!, setting, cancellationToken) : Locate(type, null, setting, cancellationToken);
    }

    private static Location Locate(ISymbol symbol, IMethodSymbol? method, string? setting, CancellationToken cancellationToken)
    {
        var fallback = symbol.Locations.FirstOrDefault() ?? Location.None;
        if (setting is null)
        {
            return fallback;
        }

        if (setting.StartsWith("Parameter:", StringComparison.Ordinal))
        {
            var name = setting.Substring("Parameter:".Length);
            var parameter = method?.Parameters.FirstOrDefault(p => p.Name == name);
            var syntax = parameter?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as ParameterSyntax;
            return syntax?.Default?.Value.GetLocation() ?? parameter?.Locations.FirstOrDefault() ?? fallback;
        }

        var (attributeName, index, member) = Split(setting);

        // A class states the function-level settings on its [Cls] attribute.
        if (attributeName == "Function" && symbol is INamedTypeSymbol)
        {
            attributeName = "Cls";
        }

        // Retries = n on [Function] and [Retries(n)] state the same setting; look for whichever the user wrote.
        if (attributeName == "Retries" && member == "MaxRetries" && FindAttribute(symbol, "Retries", 0) is null)
        {
            (attributeName, member) = (symbol is INamedTypeSymbol ? "Cls" : "Function", "Retries");
        }

        var attribute = FindAttribute(symbol, attributeName, index);
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attributeSyntax)
        {
            return fallback;
        }

        if (member is null)
        {
            return attributeSyntax.GetLocation();
        }

        var arguments = attributeSyntax.ArgumentList?.Arguments ?? default;
        foreach (var argument in arguments)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == member)
            {
                return argument.Expression.GetLocation();
            }
        }

        // A constructor argument: its position among the positional arguments is the position of the parameter whose
        // name matches the property (maxRetries for MaxRetries).
        var constructor = attribute.AttributeConstructor;
        if (constructor is not null)
        {
            var position = constructor.Parameters.IndexOf(
                constructor.Parameters.FirstOrDefault(p => string.Equals(p.Name, member, StringComparison.OrdinalIgnoreCase))!);
            var positional = arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            if (position >= 0 && position < positional.Count)
            {
                return positional[position].Expression.GetLocation();
            }
        }

        if (member == "Name")
        {
            // A name taken from the declaration itself: point at it.
            return fallback;
        }

        // A required setting the user left out: point at the attribute that needs it.
        return attributeSyntax.GetLocation();
    }

    private static (string Attribute, int Index, string? Member) Split(string setting)
    {
        var dot = setting.IndexOf('.');
        var head = dot < 0 ? setting : setting.Substring(0, dot);
        var member = dot < 0 ? null : setting.Substring(dot + 1);
        var index = 0;
        var bracket = head.IndexOf('[');
        if (bracket >= 0)
        {
            index = int.Parse(head.Substring(bracket + 1, head.Length - bracket - 2), System.Globalization.CultureInfo.InvariantCulture);
            head = head.Substring(0, bracket);
        }

        return (head, index, member);
    }

    private static AttributeData? FindAttribute(ISymbol symbol, string name, int index)
    {
        var seen = 0;
        foreach (var attribute in symbol.GetAttributes())
        {
            if (ModalGenerator.Parser.IsModalType(attribute.AttributeClass, name + "Attribute") && seen++ == index)
            {
                return attribute;
            }
        }

        return null;
    }
}
