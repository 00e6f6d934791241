using System.Linq;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal static partial class Emitter
    {
        private const string FormatterInterface = "global::MessagePack.Formatters.IMessagePackFormatter";
        private const string Options = "global::MessagePack.MessagePackSerializerOptions";
        private const string Resolve = "global::MessagePack.FormatterResolverExtensions.GetFormatterWithVerify";

        private static string EmitFormatters(GenerationModel model)
        {
            var writer = StartAppClass(model);
            writer.WriteLine("""
                /// <summary>
                /// Formatters for every type the app's function signatures reach, looked up by type: no reflection and no
                /// dynamic resolver, so a type the build did not see fails loudly instead of being guessed at.
                /// </summary>
                """);
            writer.WriteLine(GeneratedCode);
            writer.WriteLine(Hidden);
            writer.WriteLine("public sealed class ModalFormatterResolver : global::MessagePack.IFormatterResolver");
            writer.OpenBlock();
            writer.WriteLine("""
                private static readonly global::System.Collections.Generic.Dictionary<global::System.Type, object> Formatters = new global::System.Collections.Generic.Dictionary<global::System.Type, object>
                {
                """);
            writer.Indentation++;
            foreach (var type in model.Types)
            {
                var creation = type.FormatterExpression ?? $"new {type.FormatterName}()";
                writer.WriteLine($"[typeof({type.TypeName})] = {creation},");
            }

            writer.Indentation--;
            writer.WriteLine("};");
            writer.WriteLine();
            writer.WriteLine("""
                private ModalFormatterResolver()
                {
                }

                public static ModalFormatterResolver Instance { get; } = new ModalFormatterResolver();

                public global::MessagePack.Formatters.IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

                // Registers the app's types as soon as its assembly is loaded, in the client and in the worker alike.
                [global::System.Runtime.CompilerServices.ModuleInitializer]
                internal static void Register() => global::Modal.Dispatch.ModalSerializer.Register(Instance);

                private static class Cache<T>
                {
                    public static readonly global::MessagePack.Formatters.IMessagePackFormatter<T>? Formatter =
                        Formatters.TryGetValue(typeof(T), out var formatter) ? (global::MessagePack.Formatters.IMessagePackFormatter<T>)formatter : null;
                }
                """);

            foreach (var type in model.Types.Where(t => t.FormatterName is not null))
            {
                writer.WriteLine();
                EmitObjectFormatter(writer, type);
            }

            writer.CloseBlock();
            return CloseAppClass(model, writer);
        }

        /// <summary>Writes an object as an array of its members in declaration order, and reads it back tolerating extra or missing trailing members.</summary>
        private static void EmitObjectFormatter(SourceWriter writer, SerializableTypeModel type)
        {
            var valueType = type.IsValueType ? type.TypeName : type.TypeName + "?";
            writer.WriteLine($"private sealed class {type.FormatterName} : {FormatterInterface}<{valueType}>");
            writer.OpenBlock();

            writer.WriteLine($"public void Serialize(ref global::MessagePack.MessagePackWriter writer, {valueType} value, {Options} options)");
            writer.OpenBlock();
            if (!type.IsValueType)
            {
                writer.WriteLine("""
                    if (value is null)
                    {
                        writer.WriteNil();
                        return;
                    }

                    """);
            }

            if (type.Members.Count > 0)
            {
                writer.WriteLine("var resolver = options.Resolver;");
            }

            writer.WriteLine($"writer.WriteArrayHeader({type.Members.Count});");
            foreach (var member in type.Members)
            {
                writer.WriteLine($"{Resolve}<{member.Type}>(resolver).Serialize(ref writer, value.{member.Name}, options);");
            }

            writer.CloseBlock();
            writer.WriteLine();

            writer.WriteLine($"public {valueType} Deserialize(ref global::MessagePack.MessagePackReader reader, {Options} options)");
            writer.OpenBlock();
            if (!type.IsValueType)
            {
                writer.WriteLine("""
                    if (reader.TryReadNil())
                    {
                        return null;
                    }

                    """);
            }

            writer.WriteLine("options.Security.DepthStep(ref reader);");
            writer.WriteLine("try");
            writer.OpenBlock();
            if (type.Members.Count > 0)
            {
                writer.WriteLine("var resolver = options.Resolver;");
            }

            for (var i = 0; i < type.Members.Count; i++)
            {
                writer.WriteLine($"{type.Members[i].Type} __v{i} = default!;");
            }

            writer.WriteLine("var count = reader.ReadArrayHeader();");
            writer.WriteLine("for (var i = 0; i < count; i++)");
            writer.OpenBlock();
            writer.WriteLine("switch (i)");
            writer.OpenBlock();
            for (var i = 0; i < type.Members.Count; i++)
            {
                writer.WriteLine($"case {i}:");
                writer.WriteLine($"    __v{i} = {Resolve}<{type.Members[i].Type}>(resolver).Deserialize(ref reader, options);");
                writer.WriteLine("    break;");
            }

            writer.WriteLine("""
                default:
                    // Written by a newer version of the type: skip what this one does not know.
                    reader.Skip();
                    break;
                """);
            writer.CloseBlock();
            writer.CloseBlock();
            writer.WriteLine();

            var constructorArguments = type.Members
                .Select((m, i) => (Member: m, Index: i))
                .Where(x => x.Member.ConstructorPosition >= 0)
                .OrderBy(x => x.Member.ConstructorPosition)
                .Select(x => $"__v{x.Index}");
            var initializers = type.Members
                .Select((m, i) => (Member: m, Index: i))
                .Where(x => x.Member.ConstructorPosition < 0)
                .Select(x => $"{x.Member.Name} = __v{x.Index}")
                .ToList();
            var creation = $"new {type.TypeName}({string.Join(", ", constructorArguments)})";
            writer.WriteLine(initializers.Count == 0
                ? $"return {creation};"
                : $"return {creation} {{ {string.Join(", ", initializers)} }};");
            writer.CloseBlock();
            writer.WriteLine("finally");
            writer.OpenBlock();
            writer.WriteLine("reader.Depth--;");
            writer.CloseBlock();
            writer.CloseBlock();

            writer.CloseBlock();
        }
    }
}
