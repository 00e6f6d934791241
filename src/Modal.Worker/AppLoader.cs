using System.Reflection;
using Modal.Dispatch;

namespace Modal.Worker;

/// <summary>
/// Finds an app's generated registry: loads the assembly, reads its <see cref="ModalRegistryAttribute"/> once, and
/// creates the registry once. Calls go through the registry's invokers, never through reflection.
/// </summary>
internal static class AppLoader
{
    public static IModalRegistry Load(string artifactDir, string assemblyFile)
    {
        var path = Path.GetFullPath(Path.Combine(artifactDir, assemblyFile));
        if (!File.Exists(path))
        {
            throw new InvalidError(
                $"The app assembly {path} does not exist. The app's build output must stay in place while the app runs; rebuild and run the app again.");
        }

        var context = new AppLoadContext(path);
        var assembly = context.LoadFromAssemblyPath(path);
        var attribute = assembly.GetCustomAttribute<ModalRegistryAttribute>() ?? throw new InvalidError(
            $"{assemblyFile} has no [assembly: ModalRegistry] attribute, so it holds no Modal functions. " +
            "Reference the Modal generator from the app project and rebuild it.");

        if (Activator.CreateInstance(attribute.RegistryType, nonPublic: true) is not IModalRegistry registry)
        {
            throw new InvalidError($"{attribute.RegistryType.FullName} in {assemblyFile} does not implement IModalRegistry; rebuild the app with a matching Modal version.");
        }

        ModalSerializer.Register(registry.Resolver);
        return registry;
    }
}
