using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Modal.Cli.Run;

/// <summary>
/// The default values of a function's parameters, read from the app assembly's metadata without loading it: the
/// manifest says which parameters have a default, and the compiled constant says what it is. Loading the assembly
/// would run its module initializers in the CLI; reading metadata runs nothing.
/// </summary>
internal static class ParameterDefaults
{
    /// <summary>
    /// Parameter name to default value for the method behind <paramref name="entryKey"/> (<c>Namespace.AppClass.Name</c>),
    /// matched by name, else by its parameter names. A default the metadata has no constant for (a <c>decimal</c>) is absent.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> Read(string assemblyPath, string entryKey, string functionName, IReadOnlyList<string> parameterNames)
    {
        var defaults = new Dictionary<string, object?>(StringComparer.Ordinal);
        var split = entryKey.LastIndexOf('.');
        if (split <= 0)
        {
            return defaults;
        }

        var typeFullName = entryKey[..split];
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(typeHandle);
            var ns = metadata.GetString(type.Namespace);
            var name = metadata.GetString(type.Name);
            if ((ns.Length == 0 ? name : ns + "." + name) != typeFullName)
            {
                continue;
            }

            var candidates = type.GetMethods().Select(metadata.GetMethodDefinition).ToList();
            var method = candidates.FirstOrDefault(m => metadata.GetString(m.Name) == functionName && HasParameters(metadata, m, parameterNames));
            if (method.Equals(default(MethodDefinition)))
            {
                method = candidates.FirstOrDefault(m => HasParameters(metadata, m, parameterNames));
            }

            if (method.Equals(default(MethodDefinition)))
            {
                return defaults;
            }

            foreach (var parameterHandle in method.GetParameters())
            {
                var parameter = metadata.GetParameter(parameterHandle);
                if (parameter.SequenceNumber == 0 || (parameter.Attributes & ParameterAttributes.HasDefault) == 0)
                {
                    continue;
                }

                var constantHandle = parameter.GetDefaultValue();
                if (!constantHandle.IsNil)
                {
                    defaults[metadata.GetString(parameter.Name)] = Decode(metadata, metadata.GetConstant(constantHandle));
                }
            }

            return defaults;
        }

        return defaults;
    }

    private static bool HasParameters(MetadataReader metadata, MethodDefinition method, IReadOnlyList<string> names)
    {
        var declared = method.GetParameters().Select(metadata.GetParameter).Where(p => p.SequenceNumber > 0).Select(p => metadata.GetString(p.Name)).ToHashSet(StringComparer.Ordinal);
        return names.All(declared.Contains);
    }

    private static object? Decode(MetadataReader metadata, Constant constant)
    {
        var reader = metadata.GetBlobReader(constant.Value);
        return constant.TypeCode switch
        {
            ConstantTypeCode.Boolean => reader.ReadBoolean(),
            ConstantTypeCode.Char => reader.ReadChar(),
            ConstantTypeCode.SByte => reader.ReadSByte(),
            ConstantTypeCode.Byte => reader.ReadByte(),
            ConstantTypeCode.Int16 => reader.ReadInt16(),
            ConstantTypeCode.UInt16 => reader.ReadUInt16(),
            ConstantTypeCode.Int32 => reader.ReadInt32(),
            ConstantTypeCode.UInt32 => reader.ReadUInt32(),
            ConstantTypeCode.Int64 => reader.ReadInt64(),
            ConstantTypeCode.UInt64 => reader.ReadUInt64(),
            ConstantTypeCode.Single => reader.ReadSingle(),
            ConstantTypeCode.Double => reader.ReadDouble(),
            ConstantTypeCode.String => reader.ReadUTF16(reader.Length),
            _ => null,
        };
    }
}
