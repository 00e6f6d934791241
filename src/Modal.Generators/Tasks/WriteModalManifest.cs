// This type is an MSBuild task, not a compiler extension: the compiler never loads it (it only instantiates the types
// marked [Generator]), while MSBuild loads this assembly through build/Modal.Generators.targets to run it. File IO is
// the task's whole purpose, so the analyzer-only bans on it do not apply here.
#pragma warning disable RS1035

using System;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.Build.Framework;

namespace Modal.Generators.Tasks;

/// <summary>
/// Writes <c>modal.manifest.json</c> next to an app's assembly. A source generator cannot write files, so the generator
/// stores the manifest as the constant <c>ModalRegistry.ManifestJsonConstant</c>; this task reads that constant out of
/// the compiled assembly's metadata. The assembly is never loaded: it is not locked and none of its code runs.
/// </summary>
public sealed class WriteModalManifest : ITask
{
    public IBuildEngine? BuildEngine { get; set; }

    public ITaskHost? HostObject { get; set; }

    /// <summary>The compiled app assembly.</summary>
    [Required]
    public string AssemblyPath { get; set; } = "";

    /// <summary>Where the manifest goes.</summary>
    [Required]
    public string ManifestPath { get; set; } = "";

    /// <summary>True when the assembly has an app and the manifest exists after the task.</summary>
    [Output]
    public bool Written { get; set; }

    public bool Execute()
    {
        string? json;
        try
        {
            json = ReadManifest(AssemblyPath, out var registryName);
            if (registryName is not null && json is null)
            {
                LogError($"The Modal registry {registryName} in {AssemblyPath} has no ManifestJsonConstant; build with matching versions of Modal.Generators and Modal.Runtime.");
                return false;
            }
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            LogError($"Could not read the Modal manifest from {AssemblyPath}: {ex.Message}");
            return false;
        }

        if (json is null)
        {
            // No [App] in this assembly: make sure no stale manifest claims otherwise.
            if (File.Exists(ManifestPath))
            {
                File.Delete(ManifestPath);
            }

            Written = false;
            return true;
        }

        json = json.Replace("\n", Environment.NewLine) + Environment.NewLine;
        if (!File.Exists(ManifestPath) || File.ReadAllText(ManifestPath) != json)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ManifestPath))!);
            File.WriteAllText(ManifestPath, json);
        }
        else
        {
            // Same content: only move the timestamp, so the next build's up-to-date check skips the target.
            File.SetLastWriteTimeUtc(ManifestPath, DateTime.UtcNow);
        }

        Written = true;
        return true;
    }

    /// <summary>The manifest constant of the assembly's registry; null when the assembly has no registry.</summary>
    internal static string? ReadManifest(string assemblyPath, out string? registryName)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        registryName = FindRegistryName(reader);
        return registryName is null ? null : ReadManifestConstant(reader, registryName);
    }

    private static string? FindRegistryName(MetadataReader reader)
    {
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var constructor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = reader.GetTypeReference((TypeReferenceHandle)constructor.Parent);
            if (reader.GetString(type.Name) != "ModalRegistryAttribute" || reader.GetString(type.Namespace) != "Modal.Dispatch")
            {
                continue;
            }

            var blob = reader.GetBlobReader(attribute.Value);
            blob.ReadUInt16(); // prolog
            var name = blob.ReadSerializedString() ?? "";

            // typeof() in an attribute is stored as a reflection name: Ns.Outer+Inner, optionally with an assembly.
            var comma = name.IndexOf(',');
            return comma >= 0 ? name.Substring(0, comma) : name;
        }

        return null;
    }

    private static string? ReadManifestConstant(MetadataReader reader, string registryName)
    {
        foreach (var typeHandle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(typeHandle);
            if (FullName(reader, type) != registryName)
            {
                continue;
            }

            foreach (var fieldHandle in type.GetFields())
            {
                var field = reader.GetFieldDefinition(fieldHandle);
                if (reader.GetString(field.Name) == "ManifestJsonConstant")
                {
                    var value = reader.GetBlobReader(reader.GetConstant(field.GetDefaultValue()).Value);
                    return value.ReadUTF16(value.Length);
                }
            }
        }

        return null;
    }

    private static string FullName(MetadataReader reader, TypeDefinition type)
    {
        var name = reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return FullName(reader, reader.GetTypeDefinition(declaring)) + "+" + name;
        }

        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private void LogError(string message) =>
        BuildEngine?.LogErrorEvent(new BuildErrorEventArgs("Modal", "MODALBUILD001", AssemblyPath, 0, 0, 0, 0, message, null, nameof(WriteModalManifest)));
}
