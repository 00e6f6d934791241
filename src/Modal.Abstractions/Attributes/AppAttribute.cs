namespace Modal;

/// <summary>
/// Marks a <c>static partial</c> class as a Modal app. Every <see cref="FunctionAttribute"/> method inside it
/// belongs to the app named <paramref name="name"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AppAttribute(string name) : Attribute
{
    /// <summary>The app's name; deployments and <c>Function.FromName</c> look it up by this name.</summary>
    public string Name { get; } = name;

    /// <summary>The name of a static <see cref="Image"/> field or property of the class used by functions that name none.</summary>
    public string? Image { get; set; }

    /// <summary>Secrets (by name) injected into every function of the app, before the function's own.</summary>
    public string[]? Secrets { get; set; }
}
