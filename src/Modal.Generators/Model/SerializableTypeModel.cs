using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>
/// A type the generated resolver serves. Either <see cref="FormatterExpression"/> creates one of MessagePack's own
/// formatters (collections, nullables, tuples, enums), or <see cref="FormatterName"/> names an emitted object formatter
/// that writes <see cref="Members"/> as an array (the parser gives the type's name; the generation stage makes it unique).
/// </summary>
/// <param name="TypeName">The fully qualified type without nullable annotations (usable in <c>typeof</c>); the lookup key.</param>
/// <param name="ConstructorArgumentCount">How many members go through the constructor; the rest use an object initializer.</param>
internal sealed record SerializableTypeModel(
    string TypeName,
    string? FormatterExpression,
    string? FormatterName,
    bool IsValueType,
    EquatableArray<MemberModel> Members,
    int ConstructorArgumentCount);
