using System.Linq;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal static partial class Emitter
    {
        private static string EmitEntrypoint(GenerationModel model, EntrypointModel entrypoint)
        {
            var writer = StartAppClass(model);
            writer.WriteLine($"/// <summary>The program entry: reads the options of <see cref=\"{model.App.FullyQualifiedName}.{entrypoint.MethodName}\"/> from the command line, then runs it with the app running.</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine(Hidden);
            writer.WriteLine("internal static class ModalProgram");
            writer.OpenBlock();
            writer.WriteLine($"public static {Task}<int> Main(string[] args)");
            writer.OpenBlock();

            if (!entrypoint.TakesRawArguments)
            {
                writer.WriteLine($"var __cli = new global::Modal.Entrypoints.EntrypointCommandLine({Literal(entrypoint.MethodName)}, args);");
                foreach (var parameter in entrypoint.Parameters)
                {
                    var local = "__" + parameter.Name;
                    switch (parameter.Kind)
                    {
                        case "flag":
                            writer.WriteLine($"var {local} = __cli.Flag({Literal(parameter.OptionName)}, {parameter.DefaultLiteral ?? "false"});");
                            break;
                        case "option" when parameter.HasDefault:
                            writer.WriteLine($"var {local} = __cli.Optional<{parameter.OptionType}>({Literal(parameter.OptionName)}, {parameter.ParserExpression}, {parameter.DefaultLiteral});");
                            break;
                        case "option":
                            writer.WriteLine($"var {local} = __cli.Required<{parameter.OptionType}>({Literal(parameter.OptionName)}, {parameter.ParserExpression});");
                            break;
                    }
                }

                writer.WriteLine("if (__cli.ShouldExit(out var __exitCode))");
                writer.OpenBlock();
                writer.WriteLine($"return {Task}.FromResult(__exitCode);");
                writer.CloseBlock();
                writer.WriteLine();
            }

            var arguments = string.Join(", ", entrypoint.Parameters.Select(p => p.Kind switch
            {
                "token" => "__cancellationToken",
                "raw" => "args",
                _ => "__" + p.Name,
            }));
            var call = $"{model.App.FullyQualifiedName}.{Id(entrypoint.MethodName)}({arguments})";
            var body = entrypoint.Shape switch
            {
                ResultShape.Void or ResultShape.Value => $"{{ {call}; return {Task}.CompletedTask; }}",
                ResultShape.ValueTask or ResultShape.ValueTaskOfT => $"{call}.AsTask()",
                _ => call,
            };
            writer.WriteLine($"return global::Modal.ModalApp.RunEntrypointAsync(ModalRegistry.Instance, __cancellationToken => {body}, options: null);");
            writer.CloseBlock();
            writer.CloseBlock();
            return CloseAppClass(model, writer);
        }
    }
}
