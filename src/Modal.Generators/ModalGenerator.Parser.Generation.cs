using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Modal.Generators.Diagnostics;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>
        /// Joins the per-symbol models into what one assembly emits: picks the app, drops functions that clash, and merges
        /// the formatter entries of every function with those of the generated argument records.
        /// </summary>
        public static ParseResult<GenerationModel> BuildGeneration(
            ImmutableArray<ParseResult<AppModel>> apps,
            ImmutableArray<ParseResult<FunctionModel>> functions,
            ImmutableArray<ParseResult<EntrypointModel>> entrypoints,
            ImmutableArray<ParseResult<ClsModel>> classes,
            string assemblyName)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var validApps = apps.Where(a => a.Model is not null).Select(a => a.Model!).ToList();
            if (validApps.Count == 0)
            {
                return new ParseResult<GenerationModel>(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            var app = validApps[0];
            foreach (var extra in validApps.Skip(1))
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.MultipleApps, extra.Location, extra.ClassName, app.ClassName));
            }

            var chosen = new List<FunctionModel>();
            var names = new HashSet<string>();
            foreach (var function in functions.Select(f => f.Model).Where(f => f is not null && f.AppClass == app.FullyQualifiedName))
            {
                if (!names.Add(function!.Name) || chosen.Any(c => c.Identifier == function.Identifier))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Descriptors.DuplicateFunctionName, function.Location, app.Name, function.Name));
                    continue;
                }

                chosen.Add(function.Settings.Image is null && app.Image is not null
                    ? function with { Settings = function.Settings with { Image = app.Image } }
                    : function);
            }

            var chosenClasses = new List<ClsModel>();
            foreach (var cls in classes.Select(c => c.Model).Where(c => c is not null))
            {
                if (cls!.AppName is { } appName && appName != app.Name)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Descriptors.InvalidClsClass, cls.Location, cls.Name,
                        $"names app '{appName}', but this assembly's app is '{app.Name}'; an assembly holds one app, so remove App or name '{app.Name}'"));
                    continue;
                }

                if (!names.Add(cls.Name) || chosenClasses.Any(c => c.Identifier == cls.Identifier) || chosen.Any(f => f.Identifier == cls.Identifier))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Descriptors.DuplicateFunctionName, cls.Location, app.Name, cls.Name));
                    continue;
                }

                chosenClasses.Add(cls);
            }

            EntrypointModel? entrypoint = null;
            foreach (var candidate in entrypoints.Select(e => e.Model).Where(e => e is not null && e.AppClass == app.FullyQualifiedName))
            {
                if (entrypoint is null)
                {
                    entrypoint = candidate;
                }
                else
                {
                    diagnostics.Add(DiagnosticInfo.Create(Descriptors.MultipleEntrypoints, candidate!.Location, app.Name, entrypoint.MethodName, candidate.MethodName));
                }
            }

            var types = new Dictionary<string, SerializableTypeModel>();
            foreach (var function in chosen)
            {
                var record = ArgsType(app, function);
                types[record.TypeName] = record;
                foreach (var type in function.Types)
                {
                    if (!types.ContainsKey(type.TypeName))
                    {
                        types[type.TypeName] = type;
                    }
                }
            }

            foreach (var cls in chosenClasses)
            {
                var parameters = ClassParamsRecordType(app, cls);
                types[parameters.TypeName] = parameters;
                foreach (var method in cls.Methods)
                {
                    var record = ArgsType(app, method);
                    types[record.TypeName] = record;
                }

                foreach (var type in cls.Types)
                {
                    if (!types.ContainsKey(type.TypeName))
                    {
                        types[type.TypeName] = type;
                    }
                }
            }

            var model = new GenerationModel(
                app, assemblyName, chosen.ToEquatableArray(), entrypoint, UniqueFormatterNames(types.Values), chosenClasses.ToEquatableArray());
            return new ParseResult<GenerationModel>(model, diagnostics.ToEquatableArray());
        }

        /// <summary>
        /// The most parameters (besides CancellationTokens) whose arguments travel in the runtime's
        /// <c>ModalArgs&lt;T1, ...&gt;</c>, with the arity bases of handles and the invoker factories; keep it equal to
        /// <c>Modal.Dispatch.FunctionInvokers.MaxArity</c>. Past it a function gets a generated record, formatter and map verbs.
        /// </summary>
        internal const int MaxArity = 4;

        /// <summary>Whether the function's arguments travel in a generated record (it has more than <see cref="MaxArity"/> parameters).</summary>
        internal static bool HasArgsRecord(FunctionModel function) =>
            function.Parameters.Count(p => !p.IsCancellationToken) > MaxArity;

        /// <summary>
        /// The argument container of a function: <c>global::Modal.Dispatch.ModalArgs&lt;...&gt;</c> of the types callers pass,
        /// or past <see cref="MaxArity"/> parameters the generated record <c>{App}.ModalArgs.{Function}Args</c>. Both are an
        /// array of the arguments in parameter order on the wire.
        /// </summary>
        internal static string ArgsTypeName(AppModel app, FunctionModel function)
        {
            if (HasArgsRecord(function))
            {
                return $"{app.FullyQualifiedName}.ModalArgs.{function.Identifier}Args";
            }

            var types = function.Parameters.Where(p => !p.IsCancellationToken).Select(p => p.CallerType).ToList();
            return types.Count == 0 ? "global::Modal.Dispatch.ModalArgs" : $"global::Modal.Dispatch.ModalArgs<{string.Join(", ", types)}>";
        }

        /// <summary>The parameter record of a class, named <c>{App}.ModalArgs.{Class}Params</c>: what keys its pools.</summary>
        internal static string ClassParamsRecordName(AppModel app, ClsModel cls) =>
            $"{app.FullyQualifiedName}.ModalArgs.{cls.Identifier}Params";

        private static SerializableTypeModel ClassParamsRecordType(AppModel app, ClsModel cls)
        {
            var members = cls.Parameters
                .Select((p, i) => new MemberModel(TypeNames.EscapeIdentifier(p.Name), p.Type, i))
                .ToEquatableArray();
            return new SerializableTypeModel(ClassParamsRecordName(app, cls), null, cls.Identifier + "Params", false, members, members.Count);
        }

        /// <summary>The resolver entry of a function's argument container: the runtime's formatter of its ModalArgs, or a generated one for its record.</summary>
        private static SerializableTypeModel ArgsType(AppModel app, FunctionModel function)
        {
            var name = ArgsTypeName(app, function);
            if (!HasArgsRecord(function))
            {
                var formatter = "global::Modal.Dispatch.ModalArgsFormatter" + name.Substring("global::Modal.Dispatch.ModalArgs".Length);
                return new SerializableTypeModel(name, $"new {formatter}()", null, false, EquatableArray<MemberModel>.Empty, 0);
            }

            var members = function.Parameters
                .Where(p => !p.IsCancellationToken)
                .Select((p, i) => new MemberModel(TypeNames.EscapeIdentifier(p.Name), p.CallerType, i))
                .ToEquatableArray();
            return new SerializableTypeModel(name, null, function.Identifier + "Args", false, members, members.Count);
        }

        private static EquatableArray<SerializableTypeModel> UniqueFormatterNames(IEnumerable<SerializableTypeModel> types)
        {
            var used = new HashSet<string>();
            var result = new List<SerializableTypeModel>();
            foreach (var type in types.OrderBy(t => t.TypeName, System.StringComparer.Ordinal))
            {
                if (type.FormatterName is null)
                {
                    result.Add(type);
                    continue;
                }

                var name = type.FormatterName + "Formatter";
                for (var i = 2; !used.Add(name); i++)
                {
                    name = type.FormatterName + "Formatter" + i;
                }

                result.Add(type with { FormatterName = name });
            }

            return result.ToEquatableArray();
        }
    }
}
