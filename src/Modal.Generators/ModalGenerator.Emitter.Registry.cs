using System.Linq;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal static partial class Emitter
    {
        private const string Serializer = "global::MessagePack.MessagePackSerializer";

        private static string EmitRegistry(GenerationModel model, System.Collections.Generic.List<System.Collections.Generic.List<int>> handles)
        {
            var registry = $"{model.App.FullyQualifiedName}.ModalRegistry";
            var writer = StartAppClass(model, $"[assembly: global::Modal.Dispatch.ModalRegistryAttribute(typeof({registry}))]");

            writer.WriteLine("""
                /// <summary>
                /// Creates an ephemeral run of this app and makes it current, so the handles in <see cref="Functions"/> call its
                /// functions. Dispose the result to stop the app and its containers.
                /// </summary>
                """);
            writer.WriteLine($"public static global::System.Threading.Tasks.Task<global::Modal.AppRun> RunAsync(global::Modal.ModalOptions? options = null, {CancellationToken} cancellationToken = default) =>");
            writer.WriteLine("    global::Modal.ModalApp.RunAsync(ModalRegistry.Instance, options, cancellationToken);");
            writer.WriteLine();

            writer.WriteLine("/// <summary>The app's manifest and a direct-dispatch invoker per function; the worker finds it through an assembly attribute.</summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine(Hidden);
            writer.WriteLine("public sealed class ModalRegistry : global::Modal.Dispatch.IModalRegistry");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>The build manifest; the build writes it to modal.manifest.json by reading this constant from the assembly's metadata.</summary>");
            writer.WriteLine($"public const string ManifestJsonConstant = {ManifestLiteral(ManifestJson(model))};");
            writer.WriteLine();
            writer.WriteLine("""
                private ModalRegistry()
                {
                }

                public static ModalRegistry Instance { get; } = new ModalRegistry();

                public string ManifestJson => ManifestJsonConstant;

                public global::MessagePack.IFormatterResolver Resolver => ModalFormatterResolver.Instance;

                public bool TryGetInvoker(string entryKey, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out global::Modal.Dispatch.FunctionInvoker? invoker) =>
                    Invokers.TryGet(entryKey, out invoker);
                """);

            if (model.Classes.Count > 0)
            {
                writer.WriteLine();
                writer.WriteLine("public bool TryGetClass(string classKey, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out global::Modal.Dispatch.ClassLifecycle? lifecycle)");
                writer.OpenBlock();
                writer.WriteLine("lifecycle = classKey switch");
                writer.OpenBlock();
                foreach (var cls in model.Classes)
                {
                    writer.WriteLine($"{Literal(cls.ClassKey)} => {cls.Identifier}Lifecycle.Instance,");
                }

                writer.WriteLine("_ => null,");
                writer.CloseBlock(";");
                writer.WriteLine("return lifecycle is not null;");
                writer.CloseBlock();
            }

            // One table entry per function: a function that shares its handle class with others gets its invoker from
            // that class (written once per shape); any other hands its method group to a factory of the runtime. No
            // class, switch arm or lambda per function, which is what an app with hundreds of functions paid for in every build.
            writer.WriteLine();
            var handleOf = HandleOf(model, handles);
            EmitInvokerTable(writer, "Invokers", model.Functions.Select((f, i) => handleOf[i].Shared
                ? $"{model.App.FullyQualifiedName}.Functions.{f.Identifier}.CreateInvoker({Literal(f.EntryKey)})"
                : InvokerExpression(model, f)));

            foreach (var cls in model.Classes)
            {
                writer.WriteLine();
                EmitLifecycle(writer, model, cls);
            }

            writer.CloseBlock();
            return CloseAppClass(model, writer);
        }

        /// <summary>
        /// The lifecycle of a [Cls] class: creates the instance from the pool's parameter record, calls its hooks in
        /// declaration order, and maps method names to the methods' invokers.
        /// </summary>
        private static void EmitLifecycle(SourceWriter writer, GenerationModel model, ClsModel cls)
        {
            var name = $"{cls.Identifier}Lifecycle";
            var parameters = Parser.ClassParamsRecordName(model.App, cls);
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"private sealed class {name} : global::Modal.Dispatch.ClassLifecycle");
            writer.OpenBlock();
            writer.WriteLine($"public static readonly {name} Instance = new {name}();");
            writer.WriteLine();
            writer.WriteLine($"private static readonly string[] Methods = new string[] {{ {string.Join(", ", cls.Methods.Select(m => Literal(m.Name)))} }};");
            writer.WriteLine();
            writer.WriteLine($"public override string ClassKey => {Literal(cls.ClassKey)};");
            writer.WriteLine();
            writer.WriteLine("public override global::System.Collections.Generic.IReadOnlyList<string> MethodNames => Methods;");
            writer.WriteLine();
            writer.WriteLine("public override object CreateInstance(global::System.ReadOnlyMemory<byte> parameters, global::MessagePack.MessagePackSerializerOptions options)");
            writer.OpenBlock();
            if (cls.Parameters.Count == 0)
            {
                writer.WriteLine($"return new {cls.FullyQualifiedName}();");
            }
            else
            {
                var required = cls.Parameters.Where(p => !p.HasDefault).Select(p => p.Name).ToList();
                writer.WriteLine("if (parameters.IsEmpty)");
                writer.OpenBlock();
                writer.WriteLine(required.Count == 0
                    ? $"return new {cls.FullyQualifiedName}();"
                    : $"throw new global::System.InvalidOperationException({Literal($"Class '{cls.Name}' has required parameters ({string.Join(", ", required)}) and none were given; bind them with With(...).")});");
                writer.CloseBlock();
                writer.WriteLine();
                writer.WriteLine($"var __p = {Serializer}.Deserialize<{parameters}?>(parameters, options)");
                writer.WriteLine($"    ?? throw new global::System.InvalidOperationException({Literal($"The parameters of class '{cls.Name}' are empty; they must be a serialized {cls.Identifier}Params record.")});");
                var initializers = string.Join(", ", cls.Parameters.Select(p => $"{Id(p.Name)} = __p.{Id(p.Name)}"));
                writer.WriteLine($"return new {cls.FullyQualifiedName} {{ {initializers} }};");
            }

            writer.CloseBlock();
            writer.WriteLine();
            EmitHooks(writer, cls, "EnterAsync", cls.EnterHooks);
            writer.WriteLine();
            EmitHooks(writer, cls, "ExitAsync", cls.ExitHooks);
            writer.WriteLine();
            writer.WriteLine("public override bool TryGetMethod(string methodName, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out global::Modal.Dispatch.FunctionInvoker? invoker) =>");
            writer.WriteLine("    Invokers.TryGet(methodName, out invoker);");
            writer.WriteLine();
            EmitInvokerTable(writer, "Invokers", cls.Methods.Select(m => InvokerExpression(model, m, cls)));
            writer.CloseBlock();
        }

        private static void EmitHooks(SourceWriter writer, ClsModel cls, string name, EquatableArray<HookModel> hooks)
        {
            var isAsync = hooks.Any(h => h.IsAsync);
            writer.WriteLine($"public override {(isAsync ? "async " : "")}{ValueTask} {name}(object instance, {CancellationToken} cancellationToken)");
            writer.OpenBlock();
            if (hooks.Count > 0)
            {
                writer.WriteLine($"var __self = ({cls.FullyQualifiedName})instance;");
            }

            foreach (var hook in hooks)
            {
                var call = $"__self.{Id(hook.MethodName)}({(hook.TakesCancellationToken ? "cancellationToken" : "")})";
                writer.WriteLine(hook.IsAsync ? $"await {call}.ConfigureAwait(false);" : $"{call};");
            }

            if (!isAsync)
            {
                writer.WriteLine("return default;");
            }

            writer.CloseBlock();
        }

        private static void EmitInvokerTable(SourceWriter writer, string name, System.Collections.Generic.IEnumerable<string> invokers)
        {
            writer.WriteLine($"private static readonly global::Modal.Dispatch.FunctionInvokerTable {name} = new global::Modal.Dispatch.FunctionInvokerTable(new global::Modal.Dispatch.FunctionInvoker[]");
            writer.OpenBlock();
            foreach (var invoker in invokers)
            {
                writer.WriteLine(invoker + ",");
            }

            writer.CloseBlock(");");
        }

        /// <summary>
        /// The direct-dispatch invoker of a function, or (with <paramref name="owner"/>) of a method of that [Cls] class,
        /// called on the instance the context carries. A static function of a common shape hands its method group to a
        /// factory of <c>FunctionInvokers</c>; any other gets a static lambda that calls it and forwards the result to the
        /// runtime's Serialize helpers (so no invoker is an async method of its own).
        /// </summary>
        /// <remarks>
        /// With <paramref name="shared"/>, the expression is the body of a shared handle's <c>CreateInvoker(entryKey)</c>: it
        /// calls the handle's delegate to the user method, and names the function and its key through the handle.
        /// </remarks>
        private static string InvokerExpression(GenerationModel model, FunctionModel function, ClsModel? owner = null, bool shared = false)
        {
            var key = shared ? "entryKey" : Literal(function.EntryKey);
            var target = shared
                ? "this._local"
                : owner is null
                ? $"{model.App.FullyQualifiedName}.{Id(function.MethodName)}"
                : $"(({owner.FullyQualifiedName})c.Instance!).{Id(function.MethodName)}";
            // A shared handle's lambdas read its delegate field, so they cannot be static.
            var lambda = shared ? "" : "static ";
            if (owner is null && FactoryName(function) is { } factory)
            {
                var typeArguments = ValueParameters(function).Select(p => p.Type).ToList();
                if (function.Shape is not (ResultShape.Void or ResultShape.Task or ResultShape.ValueTask))
                {
                    typeArguments.Add(function.ResultType);
                }

                var generic = typeArguments.Count == 0 ? "" : $"<{string.Join(", ", typeArguments)}>";
                return $"global::Modal.Dispatch.FunctionInvokers.{factory}{generic}({key}, {target})";
            }

            var args = Parser.ArgsTypeName(model.App, function);
            var isAsync = function.IsAsync ? "true" : "false";
            var record = Parser.HasArgsRecord(function);
            var values = ValueParameters(function).ToList();
            string Argument(ParameterModel p, string container)
            {
                if (p.IsCancellationToken)
                {
                    return "c.CancellationToken";
                }

                var index = values.IndexOf(p);
                var member = record ? Id(p.Name) : $"Item{index + 1}";
                if (container == "a")
                {
                    return $"a.{member}";
                }

                // A [Batched] parameter: the column of this argument across the batch, as the list or array it takes.
                var collection = p.BatchCollection == "array" ? "Array" : "List";
                return record
                    ? $"global::System.Linq.Enumerable.To{collection}(global::System.Linq.Enumerable.Select(b, static a => a.{member}))"
                    : $"global::Modal.Dispatch.ModalBatch.{collection}{index + 1}(b)";
            }

            var isTask = function.Shape is ResultShape.Task or ResultShape.TaskOfT or ResultShape.ValueTask or ResultShape.ValueTaskOfT;
            if (function.IsBatched)
            {
                var batchCall = $"{target}({string.Join(", ", function.Parameters.Select(p => Argument(p, "b")))})";
                var name = shared ? "FunctionName" : Literal(function.Name);
                var serialized = isTask
                    ? $"{Invoker}.SerializeBatchAsync<{BatchType(function)}, {function.ResultType}>({batchCall}, b.Count, {name}, c)"
                    : $"new {ValueTask}<byte[][]>({Invoker}.SerializeBatch<{function.ResultType}>({batchCall}, b.Count, {name}, c))";
                return $"new global::Modal.Dispatch.BatchInvoker<{args}>({key}, {isAsync}, {lambda}(b, c) => {serialized})";
            }

            var call = $"{target}({string.Join(", ", function.Parameters.Select(p => Argument(p, "a")))})";
            if (function.IsGenerator)
            {
                return $"new global::Modal.Dispatch.StreamInvoker<{args}>({key}, {isAsync}, {lambda}(a, c) => {Invoker}.SerializeStreamAsync({call}, c))";
            }

            var body = isTask && !function.HasResult && function.Shape is ResultShape.TaskOfT or ResultShape.ValueTaskOfT
                // A web function's ASP.NET Core result has no wire form (see the parser): its task is awaited, not serialized.
                ? $"{Invoker}.SerializeAsync((global::System.Threading.Tasks.Task){(function.Shape == ResultShape.TaskOfT ? call : call + ".AsTask()")}, c)"
                : isTask
                ? $"{Invoker}.SerializeAsync({call}, c)"
                : function.HasResult
                    ? $"new {ValueTask}<byte[]>({Invoker}.Serialize<{function.ResultType}>({call}, c))"
                    : $"{{ {call}; return new {ValueTask}<byte[]>({Invoker}.Serialize(global::MessagePack.Nil.Default, c)); }}";
            return $"new global::Modal.Dispatch.UnaryInvoker<{args}>({key}, {isAsync}, {lambda}(a, c) => {body})";
        }

        private const string Invoker = "global::Modal.Dispatch.FunctionInvoker";

        /// <summary>
        /// The <c>FunctionInvokers</c> factory that takes the function's method group, or null when none fits: past
        /// <see cref="Parser.MaxArity"/> parameters, [Batched], or a CancellationToken anywhere but last (or on a
        /// synchronous method).
        /// </summary>
        private static string? FactoryName(FunctionModel function)
        {
            var parameters = function.Parameters;
            var tokens = parameters.Count(p => p.IsCancellationToken);
            // A web function's ASP.NET Core result (HasResult false on a value-returning shape) is not serialized, which
            // no factory knows; neither does one take a batch, a record, or a token anywhere but last.
            var unserializedResult = !function.HasResult && function.Shape is ResultShape.Value or ResultShape.TaskOfT or ResultShape.ValueTaskOfT;
            if (unserializedResult || function.IsBatched || Parser.HasArgsRecord(function) || tokens > 1 || (tokens == 1 && !parameters[parameters.Count - 1].IsCancellationToken))
            {
                return null;
            }

            var (name, takesToken) = function.Shape switch
            {
                ResultShape.Value => ("Sync", false),
                ResultShape.Void => ("SyncVoid", false),
                ResultShape.Enumerable => ("Generator", false),
                ResultShape.Task => ("TaskVoid", true),
                ResultShape.TaskOfT => ("TaskResult", true),
                ResultShape.ValueTask => ("ValueTaskVoid", true),
                ResultShape.ValueTaskOfT => ("ValueTaskResult", true),
                _ => ("AsyncGenerator", true),
            };
            return tokens == 0 || takesToken ? name : null;
        }

        /// <summary>The collection a [Batched] function returns its results in.</summary>
        private static string BatchType(FunctionModel function) => function.BatchResultCollection == "array"
            ? $"{function.ResultType}[]"
            : $"global::System.Collections.Generic.List<{function.ResultType}>";

        /// <summary>
        /// The manifest as a C# string literal. The general <see cref="Literal"/> weighs every character's Unicode category,
        /// which took a noticeable share of the generator's time for an app with hundreds of functions; a literal only
        /// needs quotes, backslashes, control characters and line breaks escaped. (A raw literal would need no escaping,
        /// but the compiler reads one of this size more slowly.)
        /// </summary>
        internal static string ManifestLiteral(string json)
        {
            var builder = new System.Text.StringBuilder(json.Length + (json.Length / 4));
            builder.Append('"');
            foreach (var c in json)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    default:
                        if (c < 0x20 || c is '\u0085' or '\u2028' or '\u2029')
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            return builder.Append('"').ToString();
        }

        /// <summary>The manifest (schema version 1, camelCase, absent settings left out); docs/manifest.md describes each field.</summary>
        internal static string ManifestJson(GenerationModel model)
        {
            var json = new JsonWriter();
            json.StartObject();
            json.Number("schemaVersion", 1);
            json.String("app", model.App.Name);
            json.String("assembly", model.AssemblyName);
            json.StartArray("functions");
            foreach (var function in model.Functions)
            {
                WriteFunction(json, function);
            }

            foreach (var cls in model.Classes)
            {
                WriteClass(json, cls);
            }

            json.EndArray();
            json.StartArray("entrypoints");
            if (model.Entrypoint is { } entrypoint)
            {
                json.StartObject();
                json.String("name", entrypoint.MethodName);
                json.StartArray("parameters");
                foreach (var parameter in entrypoint.Parameters.Where(p => p.Kind != "token"))
                {
                    WriteParameter(json, parameter.Name, parameter.Type, parameter.HasDefault);
                }

                json.EndArray();
                json.EndObject();
            }

            json.EndArray();
            json.EndObject();
            return json.ToString();
        }

        private static void WriteFunction(JsonWriter json, FunctionModel function)
        {
            json.StartObject();
            json.String("name", function.Name);
            json.String("entryKey", function.EntryKey);
            json.String("kind", "function");
            json.Boolean("isAsync", function.IsAsync);
            json.Boolean("isGenerator", function.IsGenerator);
            json.StartArray("parameters");
            foreach (var parameter in function.Parameters.Where(p => !p.IsCancellationToken))
            {
                WriteParameter(json, parameter.Name, parameter.Type, parameter.HasDefault);
            }

            json.EndArray();
            json.String("returnType", function.ManifestReturnType);
            WriteSettings(json, function.Settings);
            json.EndObject();
        }

        /// <summary>
        /// A [Cls] class is one entry of kind <c>class</c>: one pool per parameter set serves all its methods, so the
        /// settings are the class's; its parameters are the [Parameter] members, and inputs name their method.
        /// </summary>
        private static void WriteClass(JsonWriter json, ClsModel cls)
        {
            json.StartObject();
            json.String("name", cls.Name);
            json.String("entryKey", cls.ClassKey);
            json.String("kind", "class");
            json.Boolean("isAsync", cls.IsAsync);
            json.Boolean("isGenerator", false);
            json.StartArray("parameters");
            foreach (var parameter in cls.Parameters)
            {
                WriteParameter(json, parameter.Name, parameter.Type, parameter.HasDefault);
            }

            json.EndArray();
            json.String("returnType", "void");
            WriteSettings(json, cls.Settings);
            json.EndObject();
        }

        private static void WriteSettings(JsonWriter json, SettingsModel s)
        {
            if (s.HasResources)
            {
                json.StartObject("resources");
                json.Number("cpu", s.Cpu);
                json.Number("cpuLimit", s.CpuLimit);
                json.Number("memoryMiB", s.MemoryMiB);
                json.Number("memoryLimitMiB", s.MemoryLimitMiB);
                json.Number("ephemeralDiskMiB", s.EphemeralDiskMiB);
                json.String("gpu", s.Gpu);
                json.EndObject();
            }

            json.Number("timeoutSeconds", s.TimeoutSeconds);
            json.Number("startupTimeoutSeconds", s.StartupTimeoutSeconds);
            if (s.Retries is { } retries)
            {
                json.StartObject("retries");
                json.Number("maxRetries", retries.MaxRetries);
                json.Number("backoffCoefficient", retries.BackoffCoefficient);
                json.Number("initialDelaySeconds", retries.InitialDelaySeconds);
                json.Number("maxDelaySeconds", retries.MaxDelaySeconds);
                json.EndObject();
            }

            if (s.HasAutoscaler)
            {
                json.StartObject("autoscaler");
                json.Number("minContainers", s.MinContainers);
                json.Number("maxContainers", s.MaxContainers);
                json.Number("bufferContainers", s.BufferContainers);
                json.Number("scaledownWindowSeconds", s.ScaledownWindowSeconds);
                json.EndObject();
            }

            json.Number("maxInputs", s.MaxInputs);
            if (s.Concurrency is { } concurrency)
            {
                json.StartObject("concurrency");
                json.Number("maxInputs", concurrency.MaxInputs);
                json.Number("targetInputs", concurrency.TargetInputs);
                json.EndObject();
            }

            if (s.Batching is { } batching)
            {
                json.StartObject("batching");
                json.Number("maxBatchSize", batching.MaxBatchSize);
                json.Number("waitMs", batching.WaitMs);
                json.EndObject();
            }

            if (s.Cluster is { } cluster)
            {
                json.StartObject("cluster");
                json.Number("size", cluster.Size);
                json.Boolean("rdma", cluster.Rdma);
                json.EndObject();
            }

            if (s.Schedule is { } schedule)
            {
                json.StartObject("schedule");
                json.String("kind", schedule.Kind);
                json.Number("periodSeconds", schedule.PeriodSeconds);
                json.String("cron", schedule.Cron);
                json.String("timeZone", schedule.TimeZone);
                json.EndObject();
            }

            if (s.Web is { } web)
            {
                json.StartObject("web");
                json.String("kind", web.Kind);
                json.String("method", web.Method);
                json.Boolean("docs", web.Docs);
                json.String("label", web.Label);
                json.Boolean("requiresProxyAuth", web.RequiresProxyAuth);
                json.Number("port", web.Port);
                json.Number("startupTimeoutSeconds", web.StartupTimeoutSeconds);
                json.EndObject();
            }

            if (s.Image is { } image)
            {
                json.StartObject("image");
                json.StartArray("steps");
                foreach (var step in image.Steps)
                {
                    json.StartObject();
                    json.String("kind", step.Kind);
                    json.StartArray("args");
                    foreach (var arg in step.Args)
                    {
                        json.StringValue(arg);
                    }

                    json.EndArray();
                    json.Boolean("forceBuild", step.ForceBuild ? true : null);
                    json.EndObject();
                }

                json.EndArray();
                json.EndObject();
            }

            if (s.Secrets is { } secrets)
            {
                json.StartArray("secrets");
                foreach (var secret in secrets)
                {
                    json.StringValue(secret);
                }

                json.EndArray();
            }

            if (s.Volumes is { } volumes)
            {
                json.StartArray("volumes");
                foreach (var volume in volumes)
                {
                    json.StartObject();
                    json.String("mountPath", volume.MountPath);
                    json.String("name", volume.Name);
                    json.EndObject();
                }

                json.EndArray();
            }

            json.String("region", s.Region);
            json.String("cloud", s.Cloud);
            json.Boolean("restrictModalAccess", s.RestrictModalAccess);
            json.Boolean("blockNetwork", s.BlockNetwork);
        }

        private static void WriteParameter(JsonWriter json, string name, string type, bool hasDefault)
        {
            json.StartObject();
            json.String("name", name);
            json.String("type", type);
            json.Boolean("hasDefault", hasDefault);
            json.EndObject();
        }
    }
}
