namespace Modal;

/// <summary>Finds [Cls] classes of running or deployed apps, from any process.</summary>
public static class Cls
{
    /// <summary>
    /// Modal's <c>Cls.from_name</c>: the class named <paramref name="className"/> of app <paramref name="appName"/>, typed
    /// by its generated handle <typeparamref name="TCls"/>. Nothing is looked up until a method is called; bind parameter
    /// values with the handle's <c>With(...)</c>. Outside a running app the lookup goes to <c>MODAL_SERVER_URL</c>.
    /// </summary>
    public static TCls FromName<TCls>(string appName, string className)
        where TCls : ClsHandle, IClsHandle<TCls>
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        ArgumentException.ThrowIfNullOrEmpty(className);
        return TCls.Create(appName, className);
    }
}
