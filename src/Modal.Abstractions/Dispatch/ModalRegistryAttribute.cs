namespace Modal.Dispatch;

/// <summary>
/// Emitted by the generator on an app assembly: names the generated <see cref="IModalRegistry"/> type, so the worker
/// finds an app's functions by reading one attribute instead of scanning types.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class ModalRegistryAttribute(Type registryType) : Attribute
{
    public Type RegistryType { get; } = registryType;
}
