namespace Modal.Generators.Model;

/// <summary>A parameter of a function or entrypoint.</summary>
/// <param name="Name">The name as declared (without a verbatim <c>@</c>).</param>
/// <param name="Type">The fully qualified type with nullable annotations, as it appears in generated signatures.</param>
/// <param name="DefaultLiteral">C# text of the default value, or null when the parameter has none.</param>
/// <param name="IsCancellationToken">A CancellationToken parameter; it receives the input's token and is not an argument.</param>
/// <param name="BatchItemType">For a [Batched] function: the element type callers pass one at a time.</param>
/// <param name="BatchCollection">For a [Batched] function: <c>list</c> or <c>array</c>, how the invoker builds the parameter.</param>
internal sealed record ParameterModel(
    string Name,
    string Type,
    string? DefaultLiteral,
    bool IsCancellationToken,
    string? BatchItemType = null,
    string? BatchCollection = null)
{
    public bool HasDefault => DefaultLiteral is not null;

    /// <summary>The type a caller passes for this parameter (the item type of a batched parameter).</summary>
    public string CallerType => BatchItemType ?? Type;
}
