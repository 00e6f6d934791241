namespace Modal.Generators.Model;

/// <summary>A parameter of the local entrypoint and the command-line option it becomes.</summary>
/// <param name="OptionName">The option's name without dashes, kebab-cased (<c>maxItems</c> becomes <c>max-items</c>).</param>
/// <param name="ParserExpression">C# text of the Modal.Entrypoints parser for the type; null for flags and tokens.</param>
/// <param name="OptionType">The type the option parser reads: <paramref name="Type"/> without a nullable reference annotation.</param>
/// <param name="Kind"><c>option</c>, <c>flag</c> (bool), <c>raw</c> (string[]) or <c>token</c> (CancellationToken).</param>
internal sealed record EntrypointParameterModel(
    string Name,
    string Type,
    string OptionType,
    string OptionName,
    string? ParserExpression,
    string Kind,
    string? DefaultLiteral)
{
    public bool HasDefault => DefaultLiteral is not null;
}
