namespace Modal;

/// <summary>
/// Base of every generated [Cls] class handle: names the app and class whose pools its instances call. The generated
/// subclass binds the class's [Parameter] values with <c>With(...)</c>, and each distinct set of values gets its own pool
/// of containers.
/// </summary>
public abstract class ClsHandle
{
    /// <param name="appName">The app the class belongs to.</param>
    /// <param name="className">The class's name in the manifest.</param>
    protected ClsHandle(string appName, string className)
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        ArgumentException.ThrowIfNullOrEmpty(className);
        AppName = appName;
        ClassName = className;
    }

    public string AppName { get; }

    public string ClassName { get; }

    public override string ToString() => $"{AppName}/{ClassName}";
}
