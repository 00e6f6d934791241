using System.Reflection;
using System.Runtime.Loader;

namespace Modal.Worker;

/// <summary>
/// Loads an app's build output beside the worker. The app's own dependencies resolve through its .deps.json; the
/// assemblies the worker itself is built on resolve to the worker's copies, so types such as IModalRegistry and the
/// MessagePack resolvers are the same types on both sides.
/// </summary>
internal sealed class AppLoadContext : AssemblyLoadContext
{
    // ILGPU: Modal.Gpu's GpuContext hands out ILGPU accelerators, so the app must see the worker's ILGPU types.
    // Microsoft.AspNetCore.*: a [WebApp] returns a WebApplication and a [WebEndpoint] may return an IResult, which the
    // worker's Kestrel host runs; they must be the worker's types, not copies an app might carry.
    private static readonly string[] SharedPrefixes =
        ["Modal.", "MessagePack", "Grpc.", "Google.Protobuf", "Microsoft.Extensions.", "Microsoft.AspNetCore.", "ILGPU"];

    private readonly AssemblyDependencyResolver _resolver;

    public AppLoadContext(string mainAssemblyPath)
        : base("modal-app", isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    internal static bool IsShared(string? assemblyName) =>
        assemblyName is not null && Array.Exists(SharedPrefixes, prefix => assemblyName.StartsWith(prefix, StringComparison.Ordinal));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName.Name))
        {
            try
            {
                // By simple name: the worker's version wins even when the app was built against another one, which is what
                // keeps the types unified.
                return Default.LoadFromAssemblyName(new AssemblyName(assemblyName.Name!));
            }
            catch (FileNotFoundException)
            {
                // Not one the worker ships (e.g. an app library named Modal.Something): the app's own copy it is.
            }
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
