namespace Modal.Generators.Model;

/// <summary>A <c>[Parameter]</c> property or field of a [Cls] class.</summary>
/// <param name="Name">The member's name; the generated <c>With(...)</c> takes a parameter of the same name.</param>
/// <param name="Type">The member's fully qualified type.</param>
/// <param name="DefaultLiteral">C# text of its initializer when that is a constant, else null (the parameter is required).</param>
internal sealed record ClsParameterModel(string Name, string Type, string? DefaultLiteral)
{
    public bool HasDefault => DefaultLiteral is not null;
}
