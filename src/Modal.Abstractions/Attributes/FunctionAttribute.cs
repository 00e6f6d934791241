namespace Modal;

/// <summary>
/// Makes a static method of an <see cref="AppAttribute"/> class a Modal function. The build generates a typed handle
/// for it (remote, local, map, starmap, spawn, spawn_map) and an entry in the app's manifest.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class FunctionAttribute : FunctionSettingsAttribute
{
    /// <summary>Overrides the function's name, which is the method name by default.</summary>
    public string? Name { get; set; }
}
