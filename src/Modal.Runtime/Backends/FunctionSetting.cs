namespace Modal.Backends;

/// <summary>A setting a function manifest states, as a backend judges it: its name and its value as written.</summary>
/// <param name="Name">The setting's name, e.g. <c>gpu</c>; see <see cref="FunctionSettings"/> for the list.</param>
/// <param name="Value">The value for messages, e.g. <c>H100</c>.</param>
public sealed record FunctionSetting(string Name, string Value)
{
    public override string ToString() => $"{Name}={Value}";
}
