using System.Linq;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal static partial class Emitter
    {
        private static string EmitArgs(GenerationModel model)
        {
            var writer = StartAppClass(model);
            writer.WriteLine("/// <summary>The argument records of the app's functions: what one call of each carries over the wire.</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine("public static class ModalArgs");
            writer.OpenBlock();
            var first = true;
            foreach (var function in model.Functions)
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
                writer.WriteLine();
                EmitRecord(writer, access, $"{cls.Identifier}Params", $"The [Parameter] values of class '{cls.Name}': the key of its container pools.",
                    cls.Parameters.Select(p => $"{p.Type} {Id(p.Name)}"));
                foreach (var method in cls.Methods)
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
        /// parameter values of the class instance that exposes it (so it has no Local).
        /// </summary>
        private static void EmitHandle(SourceWriter writer, GenerationModel model, FunctionModel function, ClsModel? owner = null)
        {
            var args = Parser.ArgsRecordName(model.App, function);
            var result = function.ResultType;
            var values = ValueParameters(function).ToList();
            var name = $"{function.Identifier}Handle";

            writer.WriteLine(GeneratedCode);
            writer.WriteLine(Hidden);
            writer.WriteLine($"{Accessibility(function)} sealed class {name} : global::Modal.FunctionHandle<{args}, {result}>");
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

            var newArgs = $"new {args}({string.Join(", ", values.Select(p => Id(p.Name)))})";
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
            writer.WriteLine($"    RemoteCoreAsync({newArgs}, cancellationToken);");
            writer.WriteLine();

            if (owner is null)
            {
                EmitLocal(writer, model, function);
            }

            if (values.Count > 0)
            {
                EmitMaps(writer, result, values);
            }

            // spawn
            writer.WriteLine("/// <summary>Starts the function without waiting; get the result later from the returned call.</summary>");
            writer.WriteLine($"public {Task}<global::Modal.FunctionCall<{result}>> SpawnAsync({callerParameters}{CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    SpawnCoreAsync({newArgs}, cancellationToken);");

            if (values.Count > 0)
            {
                EmitInputIterators(writer, args, values);
            }

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

        /// <summary>The most parameters the base class's Zip/Star helpers take; beyond it a handle gets its own iterators.</summary>
        private const int MaxHelperArity = 4;

        /// <summary>
        /// The map verbs. They forward to the base class: its generic Zip/Star/Select helpers turn the input sequences into
        /// argument records through the handle's NewArgs, so no handle compiles iterators of its own (a large app has hundreds).
        /// </summary>
        private static void EmitMaps(SourceWriter writer, string result, System.Collections.Generic.List<ParameterModel> values)
        {
            var sequences = string.Join("", values.Select(p => $"{IEnumerable}<{p.CallerType}> {Id(p.Name)}, "));
            var names = string.Join(", ", values.Select(p => Id(p.Name)));
            var helpers = values.Count <= MaxHelperArity;
            var zipped = helpers ? $"Zip({names}, NewArgs)" : $"ZipInputs({names})";
            var zip = values.Count == 1 ? "every input" : "the inputs zipped (shortest wins)";

            writer.WriteLine($"/// <summary>Runs the function over {zip} in parallel; results in input order unless orderOutputs is false.</summary>");
            writer.WriteLine($"public {IAsyncEnumerable}<{result}> MapAsync({sequences}bool orderOutputs = true, {CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    MapCoreAsync({zipped}, orderOutputs, cancellationToken);");
            writer.WriteLine();

            writer.WriteLine("/// <summary>Like MapAsync; with returnExceptions true a failed input yields its error as a value.</summary>");
            writer.WriteLine($"public {IAsyncEnumerable}<global::Modal.FunctionResult<{result}>> MapAsync({sequences}bool returnExceptions, bool orderOutputs = true, {CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    MapResultsCoreAsync({zipped}, returnExceptions, orderOutputs, cancellationToken);");
            writer.WriteLine();

            if (values.Count == 1)
            {
                var p = values[0];
                writer.WriteLine("/// <summary>Runs the function over an asynchronous source of inputs.</summary>");
                writer.WriteLine($"public {IAsyncEnumerable}<{result}> MapAsync({IAsyncEnumerable}<{p.CallerType}> {Id(p.Name)}, bool orderOutputs = true, {CancellationToken} cancellationToken = default) =>");
                writer.WriteLine($"    MapCoreAsync(Select({Id(p.Name)}, NewArgs, cancellationToken), orderOutputs, cancellationToken);");
                writer.WriteLine();
            }
            else
            {
                writer.WriteLine("/// <summary>Runs the function once per tuple of arguments.</summary>");
                writer.WriteLine($"public {IAsyncEnumerable}<{result}> StarmapAsync({IEnumerable}<{TupleType(values)}> inputs, bool orderOutputs = true, {CancellationToken} cancellationToken = default) =>");
                writer.WriteLine($"    MapCoreAsync({(helpers ? "Star(inputs, NewArgs)" : "StarInputs(inputs)")}, orderOutputs, cancellationToken);");
                writer.WriteLine();
            }

            writer.WriteLine("/// <summary>Submits every input without waiting for results.</summary>");
            writer.WriteLine($"public {Task} SpawnMapAsync({sequences}{CancellationToken} cancellationToken = default) =>");
            writer.WriteLine($"    SpawnMapCoreAsync({zipped}, cancellationToken);");
            writer.WriteLine();
        }

        private static void EmitInputIterators(SourceWriter writer, string args, System.Collections.Generic.List<ParameterModel> values)
        {
            writer.WriteLine();
            var declared = string.Join(", ", values.Select(p => $"{p.CallerType} {Id(p.Name)}"));
            writer.WriteLine($"private static {args} NewArgs({declared}) => new {args}({string.Join(", ", values.Select(p => Id(p.Name)))});");
            if (values.Count <= MaxHelperArity)
            {
                return;
            }

            // Past the helpers' arity: the same iterators, written out for this handle. Null checks stay eager.
            var sequences = string.Join(", ", values.Select(p => $"{IEnumerable}<{p.CallerType}> {Id(p.Name)}"));
            writer.WriteLine();
            writer.WriteLine($"private static {IEnumerable}<{args}> ZipInputs({sequences})");
            writer.OpenBlock();
            foreach (var p in values)
            {
                writer.WriteLine($"global::System.ArgumentNullException.ThrowIfNull({Id(p.Name)});");
            }

            writer.WriteLine($"return ZipIterator({string.Join(", ", values.Select(p => Id(p.Name)))});");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine($"private static {IEnumerable}<{args}> ZipIterator({sequences})");
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
