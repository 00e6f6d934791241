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

                chosen.Add(function);
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
                var record = ArgsRecordType(app, function);
                types[record.TypeName] = record;
                foreach (var type in function.Types)
                {
                    if (!types.ContainsKey(type.TypeName))
                    {
                        types[type.TypeName] = type;
                    }
                }
            }

            var model = new GenerationModel(app, assemblyName, chosen.ToEquatableArray(), entrypoint, UniqueFormatterNames(types.Values));
            return new ParseResult<GenerationModel>(model, diagnostics.ToEquatableArray());
        }

        /// <summary>The argument record of a function, named <c>{App}.ModalArgs.{Function}Args</c>.</summary>
        internal static string ArgsRecordName(AppModel app, FunctionModel function) =>
            $"{app.FullyQualifiedName}.ModalArgs.{function.Identifier}Args";

        private static SerializableTypeModel ArgsRecordType(AppModel app, FunctionModel function)
        {
            var members = function.Parameters
                .Where(p => !p.IsCancellationToken)
                .Select((p, i) => new MemberModel(TypeNames.EscapeIdentifier(p.Name), p.CallerType, i))
                .ToEquatableArray();
            return new SerializableTypeModel(ArgsRecordName(app, function), null, function.Identifier + "Args", false, members, members.Count);
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
