using System.Linq;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal static partial class Emitter
    {
        private const string Serializer = "global::MessagePack.MessagePackSerializer";

        private static string EmitRegistry(GenerationModel model)
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
            writer.WriteLine($"public const string ManifestJsonConstant = {Literal(ManifestJson(model))};");
            writer.WriteLine();
            writer.WriteLine("""
                private ModalRegistry()
                {
                }

                public static ModalRegistry Instance { get; } = new ModalRegistry();

                public string ManifestJson => ManifestJsonConstant;

                public global::MessagePack.IFormatterResolver Resolver => ModalFormatterResolver.Instance;

                public bool TryGetInvoker(string entryKey, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out global::Modal.Dispatch.FunctionInvoker? invoker)
                {
                    invoker = entryKey switch
                    {
                """);
            writer.Indentation += 2;
            foreach (var function in model.Functions)
            {
                writer.WriteLine($"{Literal(function.EntryKey)} => {function.Identifier}Invoker.Instance,");
            }

            writer.WriteLine("_ => null,");
            writer.Indentation -= 2;
            writer.WriteLine("""
                    };
                    return invoker is not null;
                }
                """);

            foreach (var function in model.Functions)
            {
                writer.WriteLine();
                EmitInvoker(writer, model, function);
            }

            writer.CloseBlock();
            return CloseAppClass(model, writer);
        }

        private static void EmitInvoker(SourceWriter writer, GenerationModel model, FunctionModel function)
        {
            var args = Parser.ArgsRecordName(model.App, function);
            var name = $"{function.Identifier}Invoker";
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"private sealed class {name} : global::Modal.Dispatch.FunctionInvoker");
            writer.OpenBlock();
            writer.WriteLine($"public static readonly {name} Instance = new {name}();");
            writer.WriteLine();
            writer.WriteLine($"public override string EntryKey => {Literal(function.EntryKey)};");
            writer.WriteLine();
            writer.WriteLine($"public override bool IsAsync => {(function.IsAsync ? "true" : "false")};");
            writer.WriteLine();
            writer.WriteLine($"public override {(function.IsAsync ? "async " : "")}{ValueTask}<byte[]> InvokeAsync(global::System.ReadOnlyMemory<byte> args, global::Modal.Dispatch.InvocationContext context)");
            writer.OpenBlock();
            writer.WriteLine($"var __args = {Serializer}.Deserialize<{args}?>(args, context.SerializerOptions, context.CancellationToken)");
            writer.WriteLine($"    ?? throw new global::System.InvalidOperationException({Literal($"The input of function '{function.Name}' carried no arguments; it must be a serialized {function.Identifier}Args record.")});");

            var arguments = string.Join(", ", function.Parameters.Select(p =>
            {
                if (p.IsCancellationToken)
                {
                    return "context.CancellationToken";
                }

                return p.BatchCollection switch
                {
                    "array" => $"new {p.BatchItemType}[] {{ __args.{Id(p.Name)} }}",
                    "list" => $"new global::System.Collections.Generic.List<{p.BatchItemType}>(1) {{ __args.{Id(p.Name)} }}",
                    _ => $"__args.{Id(p.Name)}",
                };
            }));
            var call = $"{model.App.FullyQualifiedName}.{Id(function.MethodName)}({arguments})";
            var resultVariable = function.IsBatched ? "__batch" : "__result";

            switch (function.Shape)
            {
                case ResultShape.Void:
                case ResultShape.Task:
                case ResultShape.ValueTask:
                    writer.WriteLine(function.Shape == ResultShape.Void ? $"{call};" : $"await {call}.ConfigureAwait(false);");
                    break;
                case ResultShape.Value:
                    writer.WriteLine($"var {resultVariable} = {call};");
                    break;
                case ResultShape.TaskOfT:
                case ResultShape.ValueTaskOfT:
                    writer.WriteLine($"var {resultVariable} = await {call}.ConfigureAwait(false);");
                    break;
                case ResultShape.AsyncEnumerable:
                    writer.WriteLine($"var __result = new {function.ResultType}();");
                    writer.WriteLine($"await foreach (var __item in {AsyncEnumerableExtensions}.WithCancellation({call}, context.CancellationToken).ConfigureAwait(false))");
                    writer.OpenBlock();
                    writer.WriteLine("__result.Add(__item);");
                    writer.CloseBlock();
                    break;
            }

            if (function.IsBatched)
            {
                var count = function.BatchResultCollection == "array" ? "Length" : "Count";
                writer.WriteLine($"if (__batch is null || __batch.{count} != 1)");
                writer.OpenBlock();
                writer.WriteLine($"throw new global::System.InvalidOperationException({Literal($"[Batched] function '{function.Name}' returned ")} + (__batch is null ? \"null\" : __batch.{count}.ToString(global::System.Globalization.CultureInfo.InvariantCulture)) + {Literal(" results for 1 input; a batched function returns one result per input, in input order.")});");
                writer.CloseBlock();
                writer.WriteLine();
                writer.WriteLine("var __result = __batch[0];");
            }

            var serialize = function.HasResult
                ? $"{Serializer}.Serialize<{function.ResultType}>(__result, context.SerializerOptions, context.CancellationToken)"
                : $"{Serializer}.Serialize<global::MessagePack.Nil>(global::MessagePack.Nil.Default, context.SerializerOptions, context.CancellationToken)";
            writer.WriteLine(function.IsAsync ? $"return {serialize};" : $"return new {ValueTask}<byte[]>({serialize});");
            writer.CloseBlock();
            writer.CloseBlock();
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
            var s = function.Settings;
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
            json.EndObject();
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
