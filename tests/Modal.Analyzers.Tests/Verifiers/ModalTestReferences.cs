using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Modal.Analyzers.Tests.Verifiers;

/// <summary>
/// What test compilations reference: the running runtime's own assemblies (no reference pack to download) plus
/// Modal.Abstractions for the attributes and MessagePack for the types generated code names.
/// </summary>
internal static class ModalTestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(LoadFramework);
    private static readonly Lazy<ImmutableArray<MetadataReference>> All = new(() => FrameworkReferences.Value.AddRange(
        new[] { typeof(Modal.FunctionAttribute).Assembly.Location, typeof(MessagePack.MessagePackSerializer).Assembly.Location }
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))));

    /// <summary>An empty reference set: the real references come from <see cref="Assemblies"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> Assemblies => All.Value;

    /// <summary>The framework alone, for a compilation that does not know Modal.</summary>
    public static ImmutableArray<MetadataReference> Framework => FrameworkReferences.Value;

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) ||
                        Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll")
            .ToList();
        return paths.Distinct().Where(File.Exists).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}
