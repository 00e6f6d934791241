using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Modal.Generators.Diagnostics;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>The step kinds of the manifest; they must equal Modal.ImageStepKinds (a test checks).</summary>
        internal static class ImageStepKinds
        {
            public const string DebianSlim = "debian_slim";
            public const string FromRegistry = "from_registry";
            public const string FromDockerfile = "from_dockerfile";
            public const string AptInstall = "apt_install";
            public const string RunCommands = "run_commands";
            public const string Env = "env";
            public const string Workdir = "workdir";
            public const string Entrypoint = "entrypoint";
            public const string AddLocalDir = "add_local_dir";
            public const string AddLocalFile = "add_local_file";
            public const string RunFunction = "run_function";
        }

        /// <summary>
        /// Reads the recipe of the static Image member <paramref name="memberName"/> from its initializer's syntax: the
        /// image is configuration, so the build records it without running user code.
        /// </summary>
        private ImageModel? ParseImage(INamedTypeSymbol app, string memberName, LocationInfo? location, CancellationToken cancellationToken)
        {
            var steps = new List<MutableStep>();
            return ReadImageMember(app, memberName, location, steps, new HashSet<string>(), cancellationToken)
                ? new ImageModel(memberName, steps.Select(s => new ImageStepModel(s.Kind, s.Args.ToEquatableArray(), s.ForceBuild)).ToEquatableArray())
                : null;
        }

        private bool ReadImageMember(INamedTypeSymbol app, string memberName, LocationInfo? location, List<MutableStep> steps, HashSet<string> visiting, CancellationToken cancellationToken)
        {
            var member = app.GetMembers(memberName).FirstOrDefault(m => m.IsStatic && IsModalType(MemberType(m), "Image"));
            if (member is null)
            {
                Report(Descriptors.ImageMemberNotFound, location, memberName, app.Name);
                return false;
            }

            if (!visiting.Add(memberName))
            {
                Report(Descriptors.UnsupportedImageExpression, location, memberName, "it refers to itself");
                return false;
            }

            var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            var initializer = syntax switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value ?? property.ExpressionBody?.Expression,
                _ => null,
            };
            if (initializer is null)
            {
                Report(Descriptors.UnsupportedImageExpression, LocationInfo.From(syntax) ?? location, memberName, "it has no initializer");
                return false;
            }

            var semanticModel = _compilation.GetSemanticModel(initializer.SyntaxTree);
            var ok = ReadImageExpression(app, memberName, semanticModel.GetOperation(initializer, cancellationToken), steps, visiting, cancellationToken);
            visiting.Remove(memberName);
            return ok;
        }

        private bool ReadImageExpression(INamedTypeSymbol app, string memberName, IOperation? operation, List<MutableStep> steps, HashSet<string> visiting, CancellationToken cancellationToken)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            var location = LocationInfo.From(operation?.Syntax);
            switch (operation)
            {
                case IInvocationOperation invocation when IsModalType(invocation.TargetMethod.ContainingType, "Image"):
                    if (invocation.Instance is { } instance &&
                        !ReadImageExpression(app, memberName, instance, steps, visiting, cancellationToken))
                    {
                        return false;
                    }

                    return AddStep(memberName, invocation, steps, location);
                case IFieldReferenceOperation { Field.IsStatic: true } field when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, app):
                    return ReadImageMember(app, field.Field.Name, location, steps, visiting, cancellationToken);
                case IPropertyReferenceOperation { Property.IsStatic: true } property when SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, app):
                    return ReadImageMember(app, property.Property.Name, location, steps, visiting, cancellationToken);
                default:
                    Report(Descriptors.UnsupportedImageExpression, location, memberName, $"'{operation?.Syntax.ToString() ?? "?"}' is not a call on Modal.Image or another static image of the app class");
                    return false;
            }
        }

        private bool AddStep(string memberName, IInvocationOperation invocation, List<MutableStep> steps, LocationInfo? location)
        {
            var method = invocation.TargetMethod;
            if (method.Name == "ForceBuild")
            {
                if (steps.Count > 0)
                {
                    steps[steps.Count - 1].ForceBuild = true;
                }

                return true;
            }

            var kind = method.Name switch
            {
                "DebianSlim" => ImageStepKinds.DebianSlim,
                "FromRegistry" => ImageStepKinds.FromRegistry,
                "FromDockerfile" => ImageStepKinds.FromDockerfile,
                "AptInstall" => ImageStepKinds.AptInstall,
                "RunCommands" => ImageStepKinds.RunCommands,
                "Env" => ImageStepKinds.Env,
                "Workdir" => ImageStepKinds.Workdir,
                "Entrypoint" => ImageStepKinds.Entrypoint,
                "AddLocalDir" => ImageStepKinds.AddLocalDir,
                "AddLocalFile" => ImageStepKinds.AddLocalFile,
                "RunFunction" => ImageStepKinds.RunFunction,
                _ => null,
            };
            if (kind is null)
            {
                Report(Descriptors.UnsupportedImageExpression, location, memberName, $"this build does not know the image step '{method.Name}'; update Modal.Generators");
                return false;
            }

            if (method.IsStatic)
            {
                // A base step starts the recipe over: whatever came before it is replaced.
                steps.Clear();
            }

            var args = new List<string>();
            var ok = true;
            foreach (var argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
            {
                var parameterName = argument.Parameter?.Name ?? "?";
                if (argument.Value is IArrayCreationOperation array)
                {
                    foreach (var element in array.Initializer?.ElementValues ?? ImmutableArray<IOperation>.Empty)
                    {
                        ok &= AddConstant(element, parameterName);
                    }
                }
                else
                {
                    ok &= AddConstant(argument.Value, parameterName);
                }
            }

            if (ok)
            {
                steps.Add(new MutableStep(kind, args));
            }

            return ok;

            bool AddConstant(IOperation value, string parameterName)
            {
                if (!value.ConstantValue.HasValue)
                {
                    Report(Descriptors.ImageArgumentNotConstant, LocationInfo.From(value.Syntax) ?? location, method.Name, parameterName);
                    return false;
                }

                switch (value.ConstantValue.Value)
                {
                    case null:
                        // An optional argument left null (FromRegistry's secret) is simply absent.
                        return true;
                    case bool copy:
                        args.Add(copy ? "copy" : "mount");
                        return true;
                    case string text:
                        args.Add(text);
                        return true;
                    default:
                        args.Add(TypeNames.Constant(value.ConstantValue.Value));
                        return true;
                }
            }
        }

        private static ITypeSymbol? MemberType(ISymbol member) => member switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        private sealed class MutableStep(string kind, List<string> args)
        {
            public string Kind { get; } = kind;

            public List<string> Args { get; } = args;

            public bool ForceBuild { get; set; }
        }
    }
}
