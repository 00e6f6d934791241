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

        /// <summary>
        /// Groups the app's functions by the handle class they use. Functions whose handles would read the same but for
        /// their names (same parameter names, types, defaults and result) share one class, which takes the names and the
        /// user's method as constructor arguments and also builds the function's invoker: a class and an invoker
        /// expression per function were most of what an app with hundreds of functions added to each compilation. A shape
        /// used once keeps its own class, which calls the user's method directly. Each group lists function indexes.
        /// </summary>
        private static System.Collections.Generic.List<System.Collections.Generic.List<int>> HandleClasses(GenerationModel model) =>
            model.Functions
                .Select((f, i) => (Index: i, Shape: HandleShape(f)))
                .GroupBy(x => x.Shape, x => x.Index)
                .Select(g => g.ToList())
                .ToList();

        /// <summary>
        /// What a shared handle's text is made of: everything of the function model that <see cref="EmitHandle"/> and
        /// <see cref="InvokerExpression"/> read, except the names a shared handle takes as constructor arguments. A
        /// function with an argument record (named after it) or whose method no Func or Action can hold is its own shape.
        /// </summary>
        private static (bool IsPublic, EquatableArray<ParameterModel> Parameters, ResultShape Shape, string ReturnType, string ResultType, string? BatchResultCollection, string Own) HandleShape(FunctionModel function) =>
            (function.IsPublic, function.Parameters, function.Shape, function.ReturnType, function.ResultType, function.BatchResultCollection,
                Parser.HasArgsRecord(function) || LocalDelegateType(function) is null ? function.Identifier : "");

        /// <summary>The handle class of each function by index, and whether other functions share it.</summary>
        private static (string Name, bool Shared)[] HandleOf(GenerationModel model, System.Collections.Generic.List<System.Collections.Generic.List<int>> handles)
        {
            var handleOf = new (string Name, bool Shared)[model.Functions.Count];
            foreach (var group in handles)
            {
                foreach (var index in group)
                {
                    handleOf[index] = ($"{model.Functions[group[0]].Identifier}Handle", group.Count > 1);
                }
            }

            return handleOf;
        }

        private static string EmitHandles(GenerationModel model, System.Collections.Generic.List<System.Collections.Generic.List<int>> handles)
        {
            var writer = StartAppClass(model);
            writer.WriteLine("/// <summary>Typed handles of the app's functions: call them remotely, map over inputs, or spawn them.</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine("public static class Functions");
            writer.OpenBlock();
            var handleOf = HandleOf(model, handles);
            for (var i = 0; i < model.Functions.Count; i++)
            {
                var function = model.Functions[i];
                var (name, shared) = handleOf[i];
                var arguments = shared
                    ? $"{Literal(model.App.Name)}, {Literal(function.Name)}, {model.App.FullyQualifiedName}.{Id(function.MethodName)}"
                    : "";
                writer.WriteLine($"/// <summary>The function '{function.Name}' (<see cref=\"{model.App.FullyQualifiedName}.{function.MethodName}\"/>).</summary>");
                // A field, not an auto-property: an app with hundreds of functions compiled a getter and a backing field for each.
                writer.WriteLine($"{Accessibility(function)} static readonly {name} {function.Identifier} = new {name}({arguments});");
                writer.WriteLine();
            }

            var first = true;
            foreach (var group in handles)
            {
                if (!first)
                {
                    writer.WriteLine();
                }

                first = false;
                var function = model.Functions[group[0]];
                if (group.Count > 1)
                {
                    EmitHandle(writer, model, function, local: LocalDelegateType(function), name: $"{function.Identifier}Handle");
                }
                else
                {
                    EmitHandle(writer, model, function);
                }
            }

            writer.CloseBlock();
            return CloseAppClass(model, writer);
        }

        /// <summary>The Func or Action type of the user's method, or null past the 16 parameters they take.</summary>
        private static string? LocalDelegateType(FunctionModel function)
        {
            var types = function.Parameters.Select(p => p.Type).ToList();
            if (types.Count > 16)
            {
                return null;
            }

            var isVoid = function.ReturnType == "void";
            if (!isVoid)
            {
                types.Add(function.ReturnType);
            }

            var generic = types.Count == 0 ? "" : $"<{string.Join(", ", types)}>";
            return isVoid ? $"global::System.Action{generic}" : $"global::System.Func{generic}";
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
        /// <remarks>
        /// With <paramref name="local"/> (the type of a delegate to the user's method), the handle is shared by the
        /// functions of one shape: it is named <paramref name="name"/> and its constructor takes the app and function
        /// names and the delegate that Local calls.
        /// </remarks>
        private static void EmitHandle(SourceWriter writer, GenerationModel model, FunctionModel function, ClsModel? owner = null, string? local = null, string? name = null)
        {
            var args = Parser.ArgsTypeName(model.App, function);
            var result = function.ResultType;
            var values = ValueParameters(function).ToList();
            name ??= $"{function.Identifier}Handle";
            var record = Parser.HasArgsRecord(function);
            var baseType = function.IsGenerator || record
                ? $"global::Modal.FunctionHandleBase<{args}, {result}>"
                : $"global::Modal.FunctionHandle<{string.Join("", values.Select(p => p.CallerType + ", "))}{result}>";

            writer.WriteLine(GeneratedCode);
            writer.WriteLine(Hidden);
            writer.WriteLine($"{Accessibility(function)} sealed class {name} : {baseType}");
            writer.OpenBlock();
            if (local is not null)
            {
                writer.WriteLine($"private readonly {local} _local;");
                writer.WriteLine();
                writer.WriteLine($"internal {name}(string appName, string functionName, {local} local)");
                writer.WriteLine("    : base(appName, functionName)");
                writer.OpenBlock();
                writer.WriteLine("_local = local;");
                writer.CloseBlock();
                writer.WriteLine();
                writer.WriteLine("/// <summary>The worker's invoker of the function that this instance stands for.</summary>");
                writer.WriteLine($"internal global::Modal.Dispatch.FunctionInvoker CreateInvoker(string entryKey) =>");
                writer.WriteLine($"    {InvokerExpression(model, function, shared: true)};");
            }
            else if (owner is null)
            {
                writer.WriteLine($"internal {name}()");
                writer.WriteLine($"    : base({Literal(model.App.Name)}, {Literal(function.Name)})");
                writer.OpenBlock();
                writer.CloseBlock();
            }
            else
            {
                writer.WriteLine($"internal {name}(string appName, string className, byte[] classParameters)");
                writer.WriteLine($"    : base(appName, className, {Literal(function.Name)}, classParameters)");
                writer.OpenBlock();
                writer.CloseBlock();
            }

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
                EmitLocal(writer, model, function, local is null ? null : "this._local", last: true);
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
                EmitLocal(writer, model, function, local is null ? null : "this._local");
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

        /// <summary>
        /// Local calls the user's method, or with <paramref name="target"/> the delegate field that holds it (through
        /// <c>this.</c>, which a parameter of the same name cannot hide).
        /// </summary>
        private static void EmitLocal(SourceWriter writer, GenerationModel model, FunctionModel function, string? target, bool last = false)
        {
            var declared = string.Join(", ", function.Parameters.Select(p =>
                $"{p.Type} {Id(p.Name)}{(p.HasDefault ? " = " + p.DefaultLiteral : "")}"));
            var call = $"{target ?? $"{model.App.FullyQualifiedName}.{Id(function.MethodName)}"}({string.Join(", ", function.Parameters.Select(p => Id(p.Name)))})";
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
