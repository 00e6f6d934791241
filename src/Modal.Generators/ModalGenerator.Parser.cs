using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Modal.Generators.Diagnostics;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    /// <summary>
    /// Turns symbols into models. It serves the generator and, later, the analyzers: the diagnostics sink is optional,
    /// and without one the parser only decides whether a model can be built. Each rule lives here once.
    /// </summary>
    internal sealed partial class Parser
    {
        internal const string ModalNamespace = "Modal";
        private const string NilType = "global::MessagePack.Nil";
        private static readonly string[] ReservedHandleParameterNames = ["orderOutputs", "returnExceptions", "cancellationToken"];

        private readonly Compilation _compilation;
        private readonly ICollection<DiagnosticInfo>? _diagnostics;

        public Parser(Compilation compilation, ICollection<DiagnosticInfo>? diagnostics = null)
        {
            _compilation = compilation;
            _diagnostics = diagnostics;
        }

        private int _errorCount;

        /// <summary>True once any error was found, whether or not a sink records it.</summary>
        public bool HasErrors => _errorCount > 0;

        public static ParseResult<AppModel> ParseApp(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var parser = new Parser(context.SemanticModel.Compilation, diagnostics);
            var model = parser.ParseApp((INamedTypeSymbol)context.TargetSymbol, context.Attributes[0], cancellationToken);
            return new ParseResult<AppModel>(model, diagnostics.ToEquatableArray());
        }

        public static ParseResult<FunctionModel> ParseFunction(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var parser = new Parser(context.SemanticModel.Compilation, diagnostics);
            var model = parser.ParseFunction((IMethodSymbol)context.TargetSymbol, context.Attributes[0], cancellationToken);
            return new ParseResult<FunctionModel>(model, diagnostics.ToEquatableArray());
        }

        public static ParseResult<EntrypointModel> ParseEntrypoint(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var parser = new Parser(context.SemanticModel.Compilation, diagnostics);
            var model = parser.ParseEntrypoint((IMethodSymbol)context.TargetSymbol, cancellationToken);
            return new ParseResult<EntrypointModel>(model, diagnostics.ToEquatableArray());
        }

        public static ParseResult<ClsModel> ParseCls(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var parser = new Parser(context.SemanticModel.Compilation, diagnostics);
            var model = parser.ParseCls((INamedTypeSymbol)context.TargetSymbol, context.Attributes[0], cancellationToken);
            return new ParseResult<ClsModel>(model, diagnostics.ToEquatableArray());
        }

        public AppModel? ParseApp(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var location = LocationInfo.From(type);
            if (AppProblem(type, attribute) is not null)
            {
                // AppClassAnalyzer reports MODAL002 at the class, where the IDE offers the fix; the generator only emits
                // nothing for the class.
                _errorCount++;
                return null;
            }

            var name = (string)attribute.ConstructorArguments[0].Value!;
            var ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();

            // The default image of every function: read (and its recipe bound) once per app, not once per function.
            ImageModel? image = null;
            if (NamedString(attribute, "Image") is { } imageMember)
            {
                image = ParseImage(type, imageMember, location, cancellationToken);
                if (image is null)
                {
                    return null;
                }
            }

            return new AppModel(name, ns, type.Name, TypeNames.Annotated(type), location, image);
        }

        /// <summary>Why an [App] class cannot hold generated members (the second argument of MODAL002), or null.</summary>
        internal static string? AppProblem(INamedTypeSymbol type, AttributeData attribute)
        {
            if (AppClassProblem(type) is { } problem)
            {
                return problem;
            }

            var name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
            return string.IsNullOrWhiteSpace(name) ? "its app name is empty; write [App(\"my-app\")]" : null;
        }

        public FunctionModel? ParseFunction(IMethodSymbol method, AttributeData attribute, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var location = LocationInfo.From(method);
            var app = method.ContainingType;
            var appAttribute = FindAttribute(app, "AppAttribute");
            if (appAttribute is null)
            {
                Report(Descriptors.FunctionNotInApp, location, method.Name, app.Name);
                return null;
            }

            if (AppClassProblem(app) is not null)
            {
                // The app stage reports the class itself; its functions cannot be emitted into it.
                _errorCount++;
                return null;
            }

            var errorsAtStart = _errorCount;

            if (!method.IsStatic)
            {
                Report(Descriptors.FunctionNotStatic, location, method.Name);
            }

            if (method.IsGenericMethod)
            {
                Report(Descriptors.GenericFunction, location, method.Name);
            }

            var name = NamedString(attribute, "Name") ?? method.Name;
            var batched = FindAttribute(method, "BatchedAttribute");
            var parameters = ParseParameters(method, name, batched is not null, location);
            var (shape, resultType, asyncItemType) = ClassifyReturn(method);

            string? batchResultCollection = null;
            if (batched is not null && resultType is not null)
            {
                var itemType = BatchItemType(resultType, out batchResultCollection);
                if (itemType is null)
                {
                    Report(Descriptors.InvalidBatchedSignature, location, method.Name, $"returns {resultType.ToDisplayString()}");
                }
                else
                {
                    resultType = itemType;
                }
            }
            else if (batched is not null)
            {
                Report(Descriptors.InvalidBatchedSignature, location, method.Name, "returns nothing");
            }

            var settings = ParseSettings(method, attribute, appAttribute, name, location, cancellationToken);
            if (settings.Web is { } web)
            {
                resultType = CheckWebSignature(method, web, shape, resultType, location);
            }

            if (Modal.Rules.FunctionRules.Check(RuleInput(name, settings, method)).Count > 0)
            {
                // The analyzers report configuration rules (MODAL050+) where the IDE can offer fixes; the generator only
                // leaves the function out, so no handle or manifest entry carries a setting the platform would reject.
                _errorCount++;
            }

            var collector = new TypeCollector(this, location);
            var rootPath = $"{app.Name}.{method.Name}";
            var isPublic = IsEffectivelyPublic(app);
            foreach (var parameter in method.Parameters)
            {
                if (IsCancellationToken(parameter.Type))
                {
                    continue;
                }

                var type = batched is not null ? BatchItemType(parameter.Type, out _) ?? parameter.Type : parameter.Type;
                collector.Collect(type, $"{rootPath} parameter '{parameter.Name}'");
                isPublic &= IsEffectivelyPublic(type);
            }

            string resultTypeName;
            string manifestReturnType;
            if (resultType is null)
            {
                resultTypeName = NilType;
                manifestReturnType = "void";
            }
            else
            {
                collector.Collect(resultType, $"{rootPath} return value");
                isPublic &= IsEffectivelyPublic(resultType);
                // For a generator this is the item type: items travel one by one as they are yielded.
                resultTypeName = TypeNames.Annotated(resultType);
                manifestReturnType = resultTypeName;
            }

            if (_errorCount > errorsAtStart)
            {
                return null;
            }

            return new FunctionModel(
                TypeNames.Annotated(app),
                name,
                TypeNames.ToIdentifier(method.Name),
                method.Name,
                $"{TypeNames.Unqualified(app)}.{name}",
                parameters,
                shape,
                TypeNames.Annotated(method.ReturnType),
                resultTypeName,
                manifestReturnType,
                asyncItemType is null ? null : TypeNames.Annotated(asyncItemType),
                batchResultCollection,
                isPublic,
                settings,
                collector.Types,
                location);
        }

        public EntrypointModel? ParseEntrypoint(IMethodSymbol method, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var location = LocationInfo.From(method);
            if (FindAttribute(method.ContainingType, "AppAttribute") is null)
            {
                Report(Descriptors.InvalidEntrypoint, location, method.Name, $"is declared in '{method.ContainingType.Name}', which is not marked [App]; move it into the app class");
                return null;
            }

            if (!method.IsStatic || method.IsGenericMethod)
            {
                Report(Descriptors.InvalidEntrypoint, location, method.Name, "must be a static, non-generic method");
                return null;
            }

            var (shape, _, _) = ClassifyReturn(method);
            if (shape is ResultShape.AsyncEnumerable or ResultShape.Enumerable)
            {
                Report(Descriptors.InvalidEntrypoint, location, method.Name, $"returns {method.ReturnType.ToDisplayString()}; return void, Task or a value");
                return null;
            }

            var parameters = new List<EntrypointParameterModel>();
            var valueParameters = method.Parameters.Where(p => !IsCancellationToken(p.Type)).ToList();
            var takesRaw = valueParameters.Count == 1 && valueParameters[0].Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_String };
            var ok = true;
            foreach (var parameter in method.Parameters)
            {
                var type = TypeNames.Annotated(parameter.Type);
                var optionType = TypeNames.Annotated(parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated));
                var defaultLiteral = TypeNames.DefaultLiteral(parameter);
                if (defaultLiteral == "default" && parameter.Type.IsReferenceType)
                {
                    // The option parser reads the non-nullable type; an absent option still yields the null default.
                    defaultLiteral = "default!";
                }

                if (parameter.RefKind != RefKind.None)
                {
                    Report(Descriptors.UnsupportedEntrypointParameter, location, method.Name, parameter.Name, $"{parameter.RefKind.ToString().ToLowerInvariant()} {parameter.Type.ToDisplayString()}");
                    ok = false;
                    continue;
                }

                if (IsCancellationToken(parameter.Type))
                {
                    parameters.Add(new EntrypointParameterModel(parameter.Name, type, optionType, "", null, "token", defaultLiteral));
                }
                else if (takesRaw)
                {
                    parameters.Add(new EntrypointParameterModel(parameter.Name, type, optionType, "", null, "raw", defaultLiteral));
                }
                else if (parameter.Type.SpecialType == SpecialType.System_Boolean)
                {
                    parameters.Add(new EntrypointParameterModel(parameter.Name, type, optionType, TypeNames.ToKebabCase(parameter.Name), null, "flag", defaultLiteral));
                }
                else if (EntrypointParser(parameter.Type) is { } parserExpression)
                {
                    parameters.Add(new EntrypointParameterModel(parameter.Name, type, optionType, TypeNames.ToKebabCase(parameter.Name), parserExpression, "option", defaultLiteral));
                }
                else
                {
                    Report(Descriptors.UnsupportedEntrypointParameter, location, method.Name, parameter.Name, parameter.Type.ToDisplayString());
                    ok = false;
                }
            }

            return ok ? new EntrypointModel(TypeNames.Annotated(method.ContainingType), method.Name, shape, takesRaw, parameters.ToEquatableArray(), location) : null;
        }

        private EquatableArray<ParameterModel> ParseParameters(IMethodSymbol method, string functionName, bool batched, LocationInfo? location)
        {
            var parameters = new List<ParameterModel>();
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None)
                {
                    Report(Descriptors.ByRefParameter, location, functionName, parameter.Name, parameter.RefKind.ToString().ToLowerInvariant());
                    continue;
                }

                var isToken = IsCancellationToken(parameter.Type);
                if (!isToken && ReservedHandleParameterNames.Contains(parameter.Name))
                {
                    Report(Descriptors.ReservedParameterName, location, functionName, parameter.Name);
                }

                string? itemType = null;
                string? collection = null;
                if (batched && !isToken)
                {
                    var item = BatchItemType(parameter.Type, out collection);
                    if (item is null)
                    {
                        Report(Descriptors.InvalidBatchedSignature, location, functionName, $"takes parameter '{parameter.Name}' of type {parameter.Type.ToDisplayString()}");
                    }
                    else
                    {
                        itemType = TypeNames.Annotated(item);
                    }
                }

                parameters.Add(new ParameterModel(
                    parameter.Name,
                    TypeNames.Annotated(parameter.Type),
                    TypeNames.DefaultLiteral(parameter),
                    isToken,
                    itemType,
                    collection));
            }

            return parameters.ToEquatableArray();
        }

        /// <summary>
        /// Like <see cref="ClassifyReturn(ITypeSymbol)"/>, and an <c>IEnumerable&lt;T&gt;</c> method written with <c>yield</c>
        /// is a generator too: its items are streamed as it produces them. One that returns a collection is a value.
        /// </summary>
        /// <summary>
        /// Checks the shapes the worker can serve: a [WebApp] returns its application (a WebApplication or a
        /// RequestDelegate), a [WebServer] returns nothing, and both take no arguments but a CancellationToken. An ASP.NET
        /// Core result (an application, an IResult) is served over HTTP, not sent to a caller, so it has no wire form:
        /// the returned result type is null and a remote call of the function returns nothing.
        /// </summary>
        private ITypeSymbol? CheckWebSignature(IMethodSymbol method, WebModel web, ResultShape shape, ITypeSymbol? resultType, LocationInfo? location)
        {
            if (web.Kind is "app" or "server")
            {
                var kind = web.Kind == "app" ? "[WebApp]" : "[WebServer]";
                foreach (var parameter in method.Parameters)
                {
                    if (!IsCancellationToken(parameter.Type))
                    {
                        Report(Descriptors.InvalidWebSignature, location, method.Name, kind, $"takes parameter '{parameter.Name}', but it runs once per container with no arguments (a CancellationToken is allowed)");
                    }
                }

                if (web.Kind == "app" && !IsWebApplication(resultType))
                {
                    Report(Descriptors.InvalidWebSignature, location, method.Name, kind, $"returns {method.ReturnType.ToDisplayString()}; return the application to serve: a WebApplication or a RequestDelegate (or a Task of one)");
                }

                if (web.Kind == "server" && (resultType is not null || shape is ResultShape.AsyncEnumerable or ResultShape.Enumerable))
                {
                    Report(Descriptors.InvalidWebSignature, location, method.Name, kind, $"returns {method.ReturnType.ToDisplayString()}; it starts a server listening on its port and returns void or Task");
                }
            }

            return resultType is not null && IsAspNetCoreType(resultType) ? null : resultType;
        }

        private static bool IsWebApplication(ITypeSymbol? type) =>
            type?.ToDisplayString() is "Microsoft.AspNetCore.Builder.WebApplication" or "Microsoft.AspNetCore.Http.RequestDelegate";

        private static bool IsAspNetCoreType(ITypeSymbol type) =>
            type.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "Microsoft.AspNetCore" || ns.StartsWith("Microsoft.AspNetCore.", System.StringComparison.Ordinal));

        internal static (ResultShape Shape, ITypeSymbol? Result, ITypeSymbol? Item) ClassifyReturn(IMethodSymbol method)
        {
            var classified = ClassifyReturn(method.ReturnType);
            if (classified.Shape == ResultShape.Value &&
                method.ReturnType is INamedTypeSymbol { MetadataName: "IEnumerable`1" } enumerable &&
                enumerable.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" &&
                IsIterator(method))
            {
                return (ResultShape.Enumerable, enumerable.TypeArguments[0], enumerable.TypeArguments[0]);
            }

            return classified;
        }

        private static bool IsIterator(IMethodSymbol method)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var body = reference.GetSyntax() switch
                {
                    MethodDeclarationSyntax declaration => (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody,
                    _ => null,
                };

                // yield inside a nested function or lambda belongs to that function, not to this method.
                if (body is not null && body.DescendantNodes(n => n is not (LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax))
                        .OfType<YieldStatementSyntax>().Any())
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Splits a return type into its shape and the type a caller receives (null when there is none); for a generator,
        /// also its item type.
        /// </summary>
        private static (ResultShape Shape, ITypeSymbol? Result, ITypeSymbol? Item) ClassifyReturn(ITypeSymbol returnType)
        {
            if (returnType.SpecialType == SpecialType.System_Void)
            {
                return (ResultShape.Void, null, null);
            }

            if (returnType is INamedTypeSymbol named)
            {
                var ns = named.ContainingNamespace?.ToDisplayString();
                if (ns == "System.Threading.Tasks")
                {
                    switch (named.MetadataName)
                    {
                        case "Task": return (ResultShape.Task, null, null);
                        case "ValueTask": return (ResultShape.ValueTask, null, null);
                        case "Task`1": return (ResultShape.TaskOfT, named.TypeArguments[0], null);
                        case "ValueTask`1": return (ResultShape.ValueTaskOfT, named.TypeArguments[0], null);
                    }
                }

                if (ns == "System.Collections.Generic" && named.MetadataName == "IAsyncEnumerable`1")
                {
                    return (ResultShape.AsyncEnumerable, named.TypeArguments[0], named.TypeArguments[0]);
                }
            }

            return (ResultShape.Value, returnType, null);
        }

        /// <summary>The element type of a list a [Batched] function takes or returns, and how to build one.</summary>
        private static ITypeSymbol? BatchItemType(ITypeSymbol type, out string? collection)
        {
            collection = null;
            if (type is IArrayTypeSymbol { Rank: 1 } array)
            {
                collection = "array";
                return array.ElementType;
            }

            if (type is INamedTypeSymbol { IsGenericType: true } named &&
                named.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" &&
                named.MetadataName is "List`1" or "IList`1" or "IReadOnlyList`1")
            {
                collection = "list";
                return named.TypeArguments[0];
            }

            return null;
        }

        private static string? EntrypointParser(ITypeSymbol type)
        {
            const string parsers = "global::Modal.Entrypoints.EntrypointParsers";
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                var inner = EntrypointParser(nullable.TypeArguments[0]);
                return inner is null ? null : $"{parsers}.Nullable({inner})";
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return $"{parsers}.Enum<{TypeNames.Annotated(type)}>()";
            }

            return type.SpecialType switch
            {
                SpecialType.System_String => $"{parsers}.String",
                SpecialType.System_Boolean => $"{parsers}.Boolean",
                SpecialType.System_SByte => $"{parsers}.SByte",
                SpecialType.System_Byte => $"{parsers}.Byte",
                SpecialType.System_Int16 => $"{parsers}.Int16",
                SpecialType.System_UInt16 => $"{parsers}.UInt16",
                SpecialType.System_Int32 => $"{parsers}.Int32",
                SpecialType.System_UInt32 => $"{parsers}.UInt32",
                SpecialType.System_Int64 => $"{parsers}.Int64",
                SpecialType.System_UInt64 => $"{parsers}.UInt64",
                SpecialType.System_Single => $"{parsers}.Single",
                SpecialType.System_Double => $"{parsers}.Double",
                SpecialType.System_Decimal => $"{parsers}.Decimal",
                _ => null,
            };
        }

        internal static string? AppClassProblem(INamedTypeSymbol type)
        {
            if (type.ContainingType is not null)
            {
                return "it is nested in another type";
            }

            if (!type.IsStatic)
            {
                return "add the 'static' modifier";
            }

            if (type.IsGenericType)
            {
                return "remove its type parameters";
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is ClassDeclarationSyntax declaration &&
                    !declaration.Modifiers.Any(m => m.Text == "partial"))
                {
                    return "add the 'partial' modifier so the generated members can join it";
                }
            }

            return null;
        }

        internal static bool IsCancellationToken(ITypeSymbol type) =>
            type is INamedTypeSymbol { Name: "CancellationToken" } named &&
            named.ContainingNamespace?.ToDisplayString() == "System.Threading";

        internal static AttributeData? FindAttribute(ISymbol symbol, string name)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (IsModalType(attribute.AttributeClass, name))
                {
                    return attribute;
                }
            }

            return null;
        }

        internal static bool IsModalType(ITypeSymbol? type, string name) =>
            type is not null && type.Name == name && type.ContainingType is null &&
            type.ContainingNamespace is { Name: ModalNamespace, ContainingNamespace.IsGlobalNamespace: true };

        private static bool IsEffectivelyPublic(ITypeSymbol type)
        {
            switch (type)
            {
                case IArrayTypeSymbol array:
                    return IsEffectivelyPublic(array.ElementType);
                case INamedTypeSymbol named:
                    for (ISymbol? current = named; current is INamedTypeSymbol t; current = t.ContainingType)
                    {
                        if (t.DeclaredAccessibility != Accessibility.Public)
                        {
                            return false;
                        }
                    }

                    return named.TypeArguments.All(IsEffectivelyPublic);
                default:
                    return true;
            }
        }

        private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] args)
        {
            if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            {
                _errorCount++;
            }

            _diagnostics?.Add(DiagnosticInfo.Create(descriptor, location, args));
        }
    }
}
