using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Modal.Generators.Analyzers;

/// <summary>
/// Finds the source of a setting named the way <see cref="Modal.Rules.RuleViolation.Setting"/> names it
/// (<c>Function.Gpu</c>, <c>Retries.MaxRetries</c>, <c>Volume[1].MountPath</c>, <c>Cron</c>, <c>Parameter:x</c>), so a
/// diagnostic underlines the argument that wrote the value, not the whole method.
/// </summary>
internal static class SettingLocator
{
    public static Location Locate(IMethodSymbol method, string? setting, CancellationToken cancellationToken)
    {
        var fallback = method.Locations.FirstOrDefault() ?? Location.None;
        if (setting is null)
        {
            return fallback;
        }

        if (setting.StartsWith("Parameter:", StringComparison.Ordinal))
        {
            var name = setting.Substring("Parameter:".Length);
            var parameter = method.Parameters.FirstOrDefault(p => p.Name == name);
            var syntax = parameter?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as ParameterSyntax;
            return syntax?.Default?.Value.GetLocation() ?? parameter?.Locations.FirstOrDefault() ?? fallback;
        }

        var (attributeName, index, member) = Split(setting);

        // Retries = n on [Function] and [Retries(n)] state the same setting; look for whichever the user wrote.
        if (attributeName == "Retries" && member == "MaxRetries" && FindAttribute(method, "Retries", 0) is null)
        {
            (attributeName, member) = ("Function", "Retries");
        }

        var attribute = FindAttribute(method, attributeName, index);
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

        if (attributeName == "Function" && member == "Name")
        {
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

    private static AttributeData? FindAttribute(IMethodSymbol method, string name, int index)
    {
        var seen = 0;
        foreach (var attribute in method.GetAttributes())
        {
            if (ModalGenerator.Parser.IsModalType(attribute.AttributeClass, name + "Attribute") && seen++ == index)
            {
                return attribute;
            }
        }

        return null;
    }
}
