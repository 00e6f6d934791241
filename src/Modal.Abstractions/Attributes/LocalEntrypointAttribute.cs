namespace Modal;

/// <summary>
/// The method the app's generated program entry runs locally. Primitive parameters become CLI options
/// (<c>--n 5</c>); a single <c>string[]</c> parameter receives the raw arguments.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class LocalEntrypointAttribute : Attribute
{
}

/// <summary>Mounts a named volume at an absolute path in the function's containers.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class VolumeAttribute(string mountPath, string name) : Attribute
{
    public string MountPath { get; } = mountPath;

    public string Name { get; } = name;
}
