using System.Linq;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// The generated argument records: of functions past <see cref="Parser.MaxArity"/> parameters (the others use the
        /// runtime's ModalArgs) and the [Parameter] records of [Cls] classes. Null when the app needs none.
        /// </summary>
        private static string? EmitArgs(GenerationModel model)
        {
            var functions = model.Functions.Where(Parser.HasArgsRecord).ToList();
            if (functions.Count == 0 && model.Classes.Count == 0)
            {
                return null;
            }

            var writer = StartAppClass(model);
            writer.WriteLine("/// <summary>The argument records of the app's functions with many parameters and of its classes: what one call of each carries over the wire.</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine("public static class ModalArgs");
            writer.OpenBlock();
            var first = true;
            foreach (var function in functions)
            {
                if (!first)
                {
                    writer.WriteLine();
                }

                first = false;
                EmitArgsClass(writer, Accessibility(function), $"{function.Identifier}Args", $"The arguments of function '{function.Name}'.",
                    ValueParameters(function).Select(p => (p.CallerType, Id(p.Name))));
            }

            foreach (var cls in model.Classes)
            {
                var access = cls.IsPublic ? "public" : "internal";
                if (!first)
                {
                    writer.WriteLine();
                }

                first = false;
                EmitRecord(writer, access, $"{cls.Identifier}Params", $"The [Parameter] values of class '{cls.Name}': the key of its container pools.",
                    cls.Parameters.Select(p => $"{p.Type} {Id(p.Name)}"));
                foreach (var method in cls.Methods.Where(Parser.HasArgsRecord))
                {
                    writer.WriteLine();
                    EmitArgsClass(writer, access, $"{method.Identifier}Args", $"The arguments of method '{cls.Name}.{method.Name}'.",
                        ValueParameters(method).Select(p => (p.CallerType, Id(p.Name))));
                }
            }

            writer.CloseBlock();
            return CloseAppClass(model, writer);
        }

        private static string EmitHandles(GenerationModel model)
        {
            var writer = StartAppClass(model);
            writer.WriteLine("/// <summary>Typed handles of the app's functions: call them remotely, map over inputs, or spawn them.</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine("public static class Functions");
            writer.OpenBlock();
            foreach (var function in model.Functions)
            {
                writer.WriteLine($"/// <summary>The function '{function.Name}' (<see cref=\"{model.App.FullyQualifiedName}.{function.MethodName}\"/>).</summary>");
                writer.WriteLine($"{Accessibility(function)} static {function.Identifier}Handle {function.Identifier} {{ get; }} = new {function.Identifier}Handle();");
                writer.WriteLine();
            }

            var first = true;
            foreach (var function in model.Functions)
            {
                if (!first)
                {
                    writer.WriteLine();
                }

                first = false;
                EmitHandle(writer, model, function);
            }

            writer.CloseBlock();
            return CloseAppClass(model, writer);
        }

        private static void EmitRecord(SourceWriter writer, string access, string name, string summary, System.Collections.Generic.IEnumerable<string> fields)
        {
            var list = string.Join(", ", fields);
            writer.WriteLine($"/// <summary>{summary}</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine(list.Length == 0 ? $"{access} sealed record {name};" : $"{access} sealed record {name}({list});");
        }

        /// <summary>
        /// An argument record as a plain sealed class: a constructor and get-only properties, all the formatter and the
        /// handles use. A <c>record</c> would add about ten synthesized members (equality, printing, cloning) per function,
        /// which an app with hundreds of functions paid for in every compilation.
        /// </summary>
        private static void EmitArgsClass(SourceWriter writer, string access, string name, string summary, System.Collections.Generic.IEnumerable<(string Type, string Name)> fields)
        {
            var list = fields.ToList();
            writer.WriteLine($"/// <summary>{summary}</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"{access} sealed class {name}");
            writer.OpenBlock();
            writer.WriteLine($"public {name}({string.Join(", ", list.Select(f => $"{f.Type} {f.Name}"))})");
            writer.OpenBlock();
            foreach (var field in list)
            {
                writer.WriteLine($"this.{field.Name} = {field.Name};");
            }

            writer.CloseBlock();
            foreach (var field in list)
            {
                writer.WriteLine();
                writer.WriteLine($"public {field.Type} {field.Name} {{ get; }}");
            }

            writer.CloseBlock();
        }

        /// <summary>
        /// A function's handle; with <paramref name="owner"/>, the handle of one method of that [Cls] class, bound to the
        /// parameter values of the class instance that exposes it (so it has no Local). Up to <see cref="Parser.MaxArity"/>
        /// parameters it derives from the runtime's <c>FunctionHandle&lt;T1, ..., TResult&gt;</c>, which has the map verbs; it
        /// adds only the verbs that carry the user's parameter names.
        /// </summary>
        private static void EmitHandle(SourceWriter writer, GenerationModel model, FunctionModel function, ClsModel? owner = null)
        {
            var args = Parser.ArgsTypeName(model.App, function);
            var result = function.ResultType;
            var values = ValueParameters(function).ToList();
            var name = $"{function.Identifier}Handle";
            var record = Parser.HasArgsRecord(function);
            var baseType = function.IsGenerator || record
                ? $"global::Modal.FunctionHandleBase<{args}, {result}>"
                : $"global::Modal.FunctionHandle<{string.Join("", values.Select(p => p.CallerType + ", "))}{result}>";

            writer.WriteLine(GeneratedCode);
            writer.WriteLine(Hidden);
            writer.WriteLine($"{Accessibility(function)} sealed class {name} : {baseType}");
            writer.OpenBlock();
            if (owner is null)
            {
                writer.WriteLine($"internal {name}()");
                writer.WriteLine($"    : base({Literal(model.App.Name)}, {Literal(function.Name)})");
            }
            else
            {
                writer.WriteLine($"internal {name}(string appName, string className, byte[] classParameters)");
                writer.WriteLine($"    : base(appName, className, {Literal(function.Name)}, classParameters)");
            }

            writer.OpenBlock();
            writer.CloseBlock();
            writer.WriteLine();

            var names = string.Join(", ", values.Select(p => Id(p.Name)));
            var newArgs = values.Count == 0 ? "global::Modal.Dispatch.ModalArgs.Empty" : $"new {args}({names})";
            // The arity bases take the arguments themselves; a generated record is built here.
            var coreArgs = record ? newArgs + ", " : string.Join("", values.Select(p => Id(p.Name) + ", "));
            var callerParameters = string.Join("", values.Select(p =>
                $"{p.CallerType} {Id(p.Name)}{(p.HasDefault && p.BatchItemType is null ? " = " + p.DefaultLiteral : "")}, "));

            if (function.IsGenerator)
            {
                // A generator streams: remote_gen is its one remote verb (it is never retried, spawned or mapped).
                writer.WriteLine("/// <summary>Runs the generator remotely and yields its items as it produces them.</summary>");
                writer.WriteLine($"public {IAsyncEnumerable}<{result}> RemoteGenAsync({callerParameters}{CancellationToken} cancellationToken = default) =>");
                writer.WriteLine($"    RemoteGenCoreAsync({newArgs}, cancellationToken);");
                writer.WriteLine();
                EmitLocal(writer, model, function, last: true);
                writer.CloseBlock();
                return;
            }

            // remote
            var remoteReturn = function.HasResult ? $"{Task}<{result}>" : Task;
            writer.WriteLine("/// <summary>Runs the function remotely and returns its result.</summary>");
            writer.WriteLine($"public {remoteReturn} RemoteAsync({callerParameters}{CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    RemoteCoreAsync({coreArgs}cancellationToken);");
            writer.WriteLine();

            if (owner is null)
            {
                EmitLocal(writer, model, function);
            }

            if (record)
            {
                EmitMaps(writer, args, result, values);
            }

            // spawn
            writer.WriteLine("/// <summary>Starts the function without waiting; get the result later from the returned call.</summary>");
            writer.WriteLine($"public {Task}<global::Modal.FunctionCall<{result}>> SpawnAsync({callerParameters}{CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    SpawnCoreAsync({coreArgs}cancellationToken);");
            writer.CloseBlock();
        }

        private static void EmitLocal(SourceWriter writer, GenerationModel model, FunctionModel function, bool last = false)
        {
            var declared = string.Join(", ", function.Parameters.Select(p =>
                $"{p.Type} {Id(p.Name)}{(p.HasDefault ? " = " + p.DefaultLiteral : "")}"));
            var call = $"{model.App.FullyQualifiedName}.{Id(function.MethodName)}({string.Join(", ", function.Parameters.Select(p => Id(p.Name)))})";
            var localName = function.IsAsync ? "LocalAsync" : "Local";
            writer.WriteLine("/// <summary>Calls the function in this process, without the platform.</summary>");
            writer.WriteLine($"public {function.ReturnType} {localName}({declared}) =>");
            writer.WriteLine($"    {call};");
            if (!last)
            {
                writer.WriteLine();
            }
        }

        /// <summary>
        /// The map verbs of a handle past the arity bases, with the user's parameter names and iterators of its own that
        /// build the generated argument record. Null checks stay eager.
        /// </summary>
        private static void EmitMaps(SourceWriter writer, string args, string result, System.Collections.Generic.List<ParameterModel> values)
        {
            var sequences = string.Join("", values.Select(p => $"{IEnumerable}<{p.CallerType}> {Id(p.Name)}, "));
            var names = string.Join(", ", values.Select(p => Id(p.Name)));
            var zipped = $"ZipInputs({names})";

            writer.WriteLine("/// <summary>Runs the function over the inputs zipped (shortest wins) in parallel; results in input order unless orderOutputs is false.</summary>");
            writer.WriteLine($"public {IAsyncEnumerable}<{result}> MapAsync({sequences}bool orderOutputs = true, {CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    MapCoreAsync({zipped}, orderOutputs, cancellationToken);");
            writer.WriteLine();

            writer.WriteLine("/// <summary>Like MapAsync; with returnExceptions true a failed input yields its error as a value.</summary>");
            writer.WriteLine($"public {IAsyncEnumerable}<global::Modal.FunctionResult<{result}>> MapAsync({sequences}bool returnExceptions, bool orderOutputs = true, {CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    MapResultsCoreAsync({zipped}, returnExceptions, orderOutputs, cancellationToken);");
            writer.WriteLine();

            writer.WriteLine("/// <summary>Runs the function once per tuple of arguments.</summary>");
            writer.WriteLine($"public {IAsyncEnumerable}<{result}> StarmapAsync({IEnumerable}<{TupleType(values)}> inputs, bool orderOutputs = true, {CancellationToken} cancellationToken = default) =>");
            writer.WriteLine("    MapCoreAsync(StarInputs(inputs), orderOutputs, cancellationToken);");
            writer.WriteLine();

            writer.WriteLine("/// <summary>Submits every input without waiting for results.</summary>");
            writer.WriteLine($"public {Task} SpawnMapAsync({sequences}{CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    SpawnMapCoreAsync({zipped}, cancellationToken);");
            writer.WriteLine();

            var declared = string.Join(", ", values.Select(p => $"{IEnumerable}<{p.CallerType}> {Id(p.Name)}"));
            writer.WriteLine($"private static {IEnumerable}<{args}> ZipInputs({declared})");
            writer.OpenBlock();
            foreach (var p in values)
            {
                writer.WriteLine($"global::System.ArgumentNullException.ThrowIfNull({Id(p.Name)});");
            }

            writer.WriteLine($"return ZipIterator({names});");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine($"private static {IEnumerable}<{args}> ZipIterator({declared})");
            writer.OpenBlock();
            for (var i = 0; i < values.Count; i++)
            {
                writer.WriteLine($"using var __e{i} = {Id(values[i].Name)}.GetEnumerator();");
            }

            writer.WriteLine($"while ({string.Join(" && ", values.Select((_, i) => $"__e{i}.MoveNext()"))})");
            writer.OpenBlock();
            writer.WriteLine($"yield return new {args}({string.Join(", ", values.Select((_, i) => $"__e{i}.Current"))});");
            writer.CloseBlock();
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine($"private static {IEnumerable}<{args}> StarInputs({IEnumerable}<{TupleType(values)}> inputs)");
            writer.OpenBlock();
            writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(inputs);");
            writer.WriteLine("return StarIterator(inputs);");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine($"private static {IEnumerable}<{args}> StarIterator({IEnumerable}<{TupleType(values)}> inputs)");
            writer.OpenBlock();
            writer.WriteLine("foreach (var __input in inputs)");
            writer.OpenBlock();
            writer.WriteLine($"yield return new {args}({string.Join(", ", values.Select((_, i) => $"__input.Item{i + 1}"))});");
            writer.CloseBlock();
            writer.CloseBlock();
            writer.WriteLine();
        }

        /// <summary>The starmap tuple, with the parameter names as element names where C# allows them.</summary>
        private static string TupleType(System.Collections.Generic.List<ParameterModel> values)
        {
            var named = values.All(p => !IsReservedTupleName(p.Name));
            return "(" + string.Join(", ", values.Select(p => named ? $"{p.CallerType} {Id(p.Name)}" : p.CallerType)) + ")";
        }

        private static bool IsReservedTupleName(string name) =>
            name is "Rest" or "ToString" or "GetHashCode" or "Equals" or "GetType" or "CompareTo" ||
            (name.StartsWith("Item", System.StringComparison.Ordinal) && name.Length > 4 && name.Substring(4).All(char.IsDigit));
    }
}
