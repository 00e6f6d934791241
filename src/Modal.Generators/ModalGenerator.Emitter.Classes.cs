using System.Linq;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// The handles of the app's [Cls] classes: <c>Classes.Model</c> names a class, <c>.With(...)</c> binds its parameter
        /// values (each distinct set gets its own pool of containers), and the bound instance has one typed handle per method.
        /// </summary>
        private static string EmitClasses(GenerationModel model)
        {
            var writer = StartAppClass(model);
            writer.WriteLine("/// <summary>Typed handles of the app's [Cls] classes: bind parameter values with With(...), then call methods remotely.</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine("public static class Classes");
            writer.OpenBlock();
            foreach (var cls in model.Classes)
            {
                var access = cls.IsPublic ? "public" : "internal";
                writer.WriteLine($"/// <summary>The class '{cls.Name}' (<see cref=\"{cls.FullyQualifiedName}\"/>) of app '{model.App.Name}'.</summary>");
                writer.WriteLine($"{access} static {cls.Identifier}Cls {cls.Identifier} {{ get; }} = new {cls.Identifier}Cls({Literal(model.App.Name)}, {Literal(cls.Name)});");
                writer.WriteLine();
            }

            var first = true;
            foreach (var cls in model.Classes)
            {
                if (!first)
                {
                    writer.WriteLine();
                }

                first = false;
                EmitClassHandle(writer, model, cls);
                writer.WriteLine();
                EmitClassInstance(writer, cls);
                foreach (var method in cls.Methods)
                {
                    writer.WriteLine();
                    EmitHandle(writer, model, method, cls);
                }
            }

            writer.CloseBlock();
            return CloseAppClass(model, writer);
        }

        private static void EmitClassHandle(SourceWriter writer, GenerationModel model, ClsModel cls)
        {
            var access = cls.IsPublic ? "public" : "internal";
            var name = $"{cls.Identifier}Cls";
            var parameters = Parser.ClassParamsRecordName(model.App, cls);
            writer.WriteLine(GeneratedCode);
            writer.WriteLine(Hidden);
            writer.WriteLine($"{access} sealed class {name} : global::Modal.ClsHandle, global::Modal.IClsHandle<{name}>");
            writer.OpenBlock();
            writer.WriteLine($"internal {name}(string appName, string className)");
            writer.WriteLine("    : base(appName, className)");
            writer.OpenBlock();
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("/// <summary>The class as deployed under another app or class name (what Modal.Cls.FromName creates).</summary>");
            writer.WriteLine($"public static {name} Create(string appName, string className) => new {name}(appName, className);");
            writer.WriteLine();

            // C# wants optional parameters last; callers may still pass any of them by name.
            var declared = string.Join(", ", cls.Parameters.Where(p => !p.HasDefault).Concat(cls.Parameters.Where(p => p.HasDefault))
                .Select(p => $"{p.Type} {Id(Camel(p.Name))}{(p.HasDefault ? " = " + p.DefaultLiteral : "")}"));
            var values = string.Join(", ", cls.Parameters.Select(p => Id(Camel(p.Name))));
            writer.WriteLine("/// <summary>An instance of the class for these parameter values; its methods run in the containers of the pool for exactly these values.</summary>");
            writer.WriteLine($"public {cls.Identifier}Instance With({declared}) =>");
            writer.WriteLine($"    new {cls.Identifier}Instance(AppName, ClassName, {Serializer}.Serialize(new {parameters}({values}), global::Modal.Dispatch.ModalSerializer.Options));");
            writer.CloseBlock();
        }

        /// <summary><c>ModelVersion</c> becomes <c>modelVersion</c>: members are PascalCase, method parameters camelCase.</summary>
        private static string Camel(string name) =>
            name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);

        private static void EmitClassInstance(SourceWriter writer, ClsModel cls)
        {
            var access = cls.IsPublic ? "public" : "internal";
            var name = $"{cls.Identifier}Instance";
            writer.WriteLine($"/// <summary>Class '{cls.Name}' bound to one set of parameter values: its methods' handles.</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine(Hidden);
            writer.WriteLine($"{access} sealed class {name}");
            writer.OpenBlock();
            writer.WriteLine($"internal {name}(string appName, string className, byte[] classParameters)");
            writer.OpenBlock();
            foreach (var method in cls.Methods)
            {
                writer.WriteLine($"{Id(method.Name)} = new {method.Identifier}Handle(appName, className, classParameters);");
            }

            writer.CloseBlock();
            foreach (var method in cls.Methods)
            {
                writer.WriteLine();
                writer.WriteLine($"/// <summary>The method '{method.Name}' (<see cref=\"{cls.FullyQualifiedName}.{method.MethodName}\"/>).</summary>");
                writer.WriteLine($"public {method.Identifier}Handle {Id(method.Name)} {{ get; }}");
            }

            writer.CloseBlock();
        }
    }
}
