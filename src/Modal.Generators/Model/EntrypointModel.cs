using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>The <c>[LocalEntrypoint]</c> method the generated program entry runs.</summary>
/// <param name="TakesRawArguments">The method takes one <c>string[]</c>, which receives the command line unparsed.</param>
internal sealed record EntrypointModel(
    string AppClass,
    string MethodName,
    ResultShape Shape,
    bool TakesRawArguments,
    EquatableArray<EntrypointParameterModel> Parameters,
    LocationInfo? Location);
