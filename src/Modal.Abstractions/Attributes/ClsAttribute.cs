namespace Modal;

/// <summary>
/// Makes a partial class a Modal class: <see cref="ParameterAttribute"/> properties, <see cref="EnterAttribute"/> and
/// <see cref="ExitAttribute"/> hooks, and <see cref="MethodAttribute"/> methods. Each distinct set of parameter values
/// gets its own container pool.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ClsAttribute : FunctionSettingsAttribute
{
    /// <summary>The app this class belongs to.</summary>
    public string? App { get; set; }

    /// <summary>Overrides the class's name, which is the type name by default.</summary>
    public string? Name { get; set; }
}

/// <summary>A constructor parameter of a <see cref="ClsAttribute"/> class; part of the key of its container pool.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class ParameterAttribute : Attribute
{
}

/// <summary>Runs once per container before its first input (may be async).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class EnterAttribute : Attribute
{
}

/// <summary>Runs when the container shuts down, scale-down included.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ExitAttribute : Attribute
{
}

/// <summary>A remotely callable method of a <see cref="ClsAttribute"/> class.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class MethodAttribute : Attribute
{
}
