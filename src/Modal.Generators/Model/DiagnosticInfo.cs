using Modal.Generators.Diagnostics;
using Modal.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Modal.Generators.Model;

/// <summary>A diagnostic found while parsing, reported later by the stage that owns the output.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArgs) =>
        new(descriptor.Id, location, messageArgs.ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptors.ById(Id), Location?.ToLocation(), System.Linq.Enumerable.ToArray<object?>(MessageArgs));
}
