namespace Modal;

/// <summary>Implemented by generated class handles so <see cref="Cls.FromName{TCls}"/> can create one for any app and class name.</summary>
public interface IClsHandle<TSelf>
    where TSelf : ClsHandle, IClsHandle<TSelf>
{
    /// <summary>A handle of the class deployed as <paramref name="className"/> in app <paramref name="appName"/>.</summary>
    static abstract TSelf Create(string appName, string className);
}
