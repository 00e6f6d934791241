using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>A <c>[Function]</c> method with everything needed to emit its handle, argument record, invoker and manifest entry.</summary>
/// <param name="AppClass">The app class as <c>global::Ns.Hello</c>.</param>
/// <param name="Name">The function's name in the manifest (the method name unless overridden).</param>
/// <param name="Identifier">The C# identifier of the generated members (the method name, so a renamed function keeps its C# name).</param>
/// <param name="MethodName">The user method's name.</param>
/// <param name="EntryKey">The key the registry dispatches on.</param>
/// <param name="ReturnType">The user method's declared return type.</param>
/// <param name="ResultType">What a caller receives (<c>global::MessagePack.Nil</c> for functions with no result); a generator's item type.</param>
/// <param name="ManifestReturnType">The result type as the manifest records it (<c>void</c> when there is none).</param>
/// <param name="AsyncItemType">For a generator: the item type of its IAsyncEnumerable.</param>
/// <param name="BatchResultCollection">For a [Batched] function: <c>list</c> or <c>array</c>, the shape of its returned batch.</param>
/// <param name="IsPublic">Whether every type in the signature is public, so the generated handle can be public.</param>
/// <param name="Types">The types the signature reaches that need a generated formatter entry.</param>
internal sealed record FunctionModel(
    string AppClass,
    string Name,
    string Identifier,
    string MethodName,
    string EntryKey,
    EquatableArray<ParameterModel> Parameters,
    ResultShape Shape,
    string ReturnType,
    string ResultType,
    string ManifestReturnType,
    string? AsyncItemType,
    string? BatchResultCollection,
    bool IsPublic,
    SettingsModel Settings,
    EquatableArray<SerializableTypeModel> Types,
    LocationInfo? Location)
{
    public bool IsAsync => Shape is not (ResultShape.Void or ResultShape.Value or ResultShape.Enumerable);

    /// <summary>Streams its items (IAsyncEnumerable, or IEnumerable with yield); <see cref="ResultType"/> is the item type.</summary>
    public bool IsGenerator => Shape is ResultShape.AsyncEnumerable or ResultShape.Enumerable;

    public bool HasResult => ResultType != "global::MessagePack.Nil";

    public bool IsBatched => BatchResultCollection is not null;
}
