namespace Modal.Generators.Model;

/// <summary>A serialized member of an object type, in declaration order (its index is its array position on the wire).</summary>
/// <param name="Name">The member's C# identifier, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="Type">The member's fully qualified type with nullable annotations.</param>
/// <param name="ConstructorPosition">Its position among the constructor's arguments, or -1 when it is set by an initializer.</param>
internal sealed record MemberModel(string Name, string Type, int ConstructorPosition);
