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
    internal sealed partial class Parser
    {
        /// <summary>
        /// Reads a <c>[Cls]</c> class: its <c>[Parameter]</c> members (which key its container pools), its <c>[Enter]</c> and
        /// <c>[Exit]</c> hooks, its <c>[Method]</c>s and its class-level settings. Anything the generated lifecycle could not
        /// call directly is reported as MODAL007 with the reason.
        /// </summary>
        public ClsModel? ParseCls(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var location = LocationInfo.From(type);
            var errorsAtStart = _errorCount;
            void Invalid(string reason) => Report(Descriptors.InvalidClsClass, location, type.Name, reason);

            if (type.IsStatic || type.IsAbstract)
            {
                Invalid($"is {(type.IsStatic ? "static" : "abstract")}; a container creates one instance of the class, so it must be a concrete class");
            }

            if (type.IsGenericType || type.TypeKind != TypeKind.Class)
            {
                Invalid("must be a non-generic class");
            }

            if (!TypeCollector.IsAccessibleFromAssembly(type))
            {
                Invalid("is private or protected; make it internal or public so generated code can create it");
            }

            if (!type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                Invalid("has no public or internal parameterless constructor; values come in through [Parameter] members instead");
            }

            var name = NamedString(attribute, "Name") ?? type.Name;
            var collector = new TypeCollector(this, location);
            var isPublic = IsEffectivelyPublic(type);

            var parameters = new List<ClsParameterModel>();
            var enter = new List<HookModel>();
            var exit = new List<HookModel>();
            var methodSymbols = new List<IMethodSymbol>();
            foreach (var member in type.GetMembers())
            {
                if (FindAttribute(member, "ParameterAttribute") is not null)
                {
                    if (ParseClsParameter(member, type.Name, location, cancellationToken) is { } parameter)
                    {
                        parameters.Add(parameter);
                        var memberType = member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type;
                        isPublic &= IsEffectivelyPublic(memberType);
                        collector.Collect(memberType, $"{type.Name}.{member.Name}");
                    }
                }

                if (member is not IMethodSymbol method)
                {
                    continue;
                }

                // The gateway routes only app-level functions; a class method's pool is keyed by its parameters, which an
                // HTTP request has no way to pick, so such a method would silently never be served.
                foreach (var web in new[] { "WebEndpoint", "WebApp", "WebServer" })
                {
                    if (FindAttribute(method, web + "Attribute") is not null)
                    {
                        Invalid($"has method '{method.Name}' marked [{web}], but methods of classes are not served over HTTP; make the endpoint a [Function, {web}] of the app (it can call the class through its handle) and remove [{web}] from the class's method");
                    }
                }

                if (FindAttribute(method, "EnterAttribute") is not null && ParseHook(method, "[Enter]", type.Name, location) is { } enterHook)
                {
                    enter.Add(enterHook);
                }

                if (FindAttribute(method, "ExitAttribute") is not null && ParseHook(method, "[Exit]", type.Name, location) is { } exitHook)
                {
                    exit.Add(exitHook);
                }

                if (FindAttribute(method, "MethodAttribute") is not null || FindAttribute(method, "BatchedAttribute") is not null)
                {
                    methodSymbols.Add(method);
                }
            }

            if (methodSymbols.Count == 0)
            {
                Invalid("has no [Method]; mark the methods callers may run with [Method]");
            }

            var identifier = TypeNames.ToIdentifier(type.Name);
            var methods = new List<FunctionModel>();
            foreach (var method in methodSymbols)
            {
                if (ParseClsMethod(method, type, name, identifier, collector, location, cancellationToken) is { } model)
                {
                    methods.Add(model);
                    isPublic &= model.IsPublic;
                }
            }

            var settings = ParseSettings(type, attribute, null, name, location, cancellationToken);
            var batched = methodSymbols.FirstOrDefault(m => FindAttribute(m, "BatchedAttribute") is not null);
            if (batched is not null && FindAttribute(batched, "BatchedAttribute") is { } batchedAttribute)
            {
                settings = settings with { Batching = new BatchingModel(NamedInt(batchedAttribute, "MaxBatchSize") ?? 0, NamedInt(batchedAttribute, "WaitMs") ?? 0) };
            }

            if (Modal.Rules.FunctionRules.Check(ClsRuleInput(name, settings, batched)).Count > 0 || (batched is not null && methodSymbols.Count > 1))
            {
                // The analyzers report the configuration rules (and MODAL067 for a batched method with siblings); the
                // generator leaves the class out, as it does a function.
                _errorCount++;
            }

            if (_errorCount > errorsAtStart)
            {
                return null;
            }

            var ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString() + ".";
            return new ClsModel(
                TypeNames.Annotated(type),
                name,
                identifier,
                ns + type.Name,
                NamedString(attribute, "App"),
                parameters.ToEquatableArray(),
                enter.ToEquatableArray(),
                exit.ToEquatableArray(),
                methods.ToEquatableArray(),
                settings,
                methods.All(m => m.IsAsync),
                isPublic,
                collector.Types,
                location);
        }

        private ClsParameterModel? ParseClsParameter(ISymbol member, string className, LocationInfo? location, CancellationToken cancellationToken)
        {
            void Invalid(string reason) => Report(Descriptors.InvalidClsClass, location, className, reason);

            ITypeSymbol type;
            switch (member)
            {
                case IPropertySymbol { IsStatic: false, IsIndexer: false, SetMethod: { } setter } property
                    when setter.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal:
                    type = property.Type;
                    break;
                case IFieldSymbol { IsStatic: false, IsReadOnly: false, IsConst: false } field
                    when field.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal:
                    type = field.Type;
                    break;
                default:
                    Invalid($"has [Parameter] '{member.Name}', which is not an instance property with a public or internal setter (or a writable field); the container sets it when it creates the instance");
                    return null;
            }

            if (!IsParameterType(type))
            {
                Invalid($"has [Parameter] '{member.Name}' of type {type.ToDisplayString()}; parameters key container pools, so they are limited to string, bool, numbers, enums and byte[]");
                return null;
            }

            return new ClsParameterModel(member.Name, TypeNames.Annotated(type), DefaultOf(member, type, cancellationToken));
        }

        /// <summary>
        /// What <c>With(...)</c> defaults the parameter to: its constant initializer, or the type's default when it has no
        /// initializer (the value an instance gets anyway). A <c>required</c> member, or one whose initializer is not a
        /// constant, has no default, and callers must pass it.
        /// </summary>
        private string? DefaultOf(ISymbol member, ITypeSymbol type, CancellationToken cancellationToken)
        {
            if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
            {
                return null;
            }

            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var initializer = reference.GetSyntax(cancellationToken) switch
                {
                    PropertyDeclarationSyntax property => property.Initializer,
                    VariableDeclaratorSyntax variable => variable.Initializer,
                    _ => null,
                };
                if (initializer is null)
                {
                    continue;
                }

                var constant = _compilation.GetSemanticModel(initializer.SyntaxTree).GetConstantValue(initializer.Value, cancellationToken);
                if (!constant.HasValue)
                {
                    return null;
                }

                if (constant.Value is null)
                {
                    return "default";
                }

                return type.TypeKind == TypeKind.Enum ? $"({TypeNames.Annotated(type)})({TypeNames.Constant(constant.Value)})" : TypeNames.Constant(constant.Value);
            }

            return type.IsReferenceType ? "default!" : "default";
        }

        private static bool IsParameterType(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            if (type.TypeKind == TypeKind.Enum || type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
            {
                return true;
            }

            return type.SpecialType is SpecialType.System_String or SpecialType.System_Boolean or SpecialType.System_Char or
                SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or
                SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 or
                SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal;
        }

        private HookModel? ParseHook(IMethodSymbol method, string kind, string className, LocationInfo? location)
        {
            var shape = ClassifyReturn(method.ReturnType).Shape;
            var takesToken = method.Parameters.Length == 1 && IsCancellationToken(method.Parameters[0].Type);
            if (method.IsStatic || method.IsGenericMethod || (method.Parameters.Length > 0 && !takesToken) ||
                shape is not (ResultShape.Void or ResultShape.Task or ResultShape.ValueTask) ||
                method.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                Report(Descriptors.InvalidClsClass, location, className,
                    $"has {kind} hook '{method.Name}', which must be a public or internal instance method that takes nothing (or one CancellationToken) and returns void, Task or ValueTask");
                return null;
            }

            return new HookModel(method.Name, shape, takesToken);
        }

        private FunctionModel? ParseClsMethod(
            IMethodSymbol method,
            INamedTypeSymbol type,
            string className,
            string classIdentifier,
            TypeCollector collector,
            LocationInfo? classLocation,
            CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var location = LocationInfo.From(method) ?? classLocation;
            var errorsAtStart = _errorCount;
            void Invalid(string reason) => Report(Descriptors.InvalidClsClass, location, type.Name, reason);

            if (method.IsStatic)
            {
                Invalid($"has [Method] '{method.Name}', which is static; a method runs on the container's instance, so make it an instance method (or make it a [Function] of the app)");
            }

            if (method.IsGenericMethod)
            {
                Invalid($"has [Method] '{method.Name}', which is generic; use concrete types");
            }

            if (method.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                Invalid($"has [Method] '{method.Name}', which is not public or internal, so generated code cannot call it");
            }

            var batched = FindAttribute(method, "BatchedAttribute");
            var displayName = $"{className}.{method.Name}";
            var parameters = ParseParameters(method, displayName, batched is not null, location);
            var (shape, resultType, itemType) = ClassifyReturn(method);
            if (shape is ResultShape.AsyncEnumerable or ResultShape.Enumerable)
            {
                Invalid($"has [Method] '{method.Name}', which is a generator; streaming methods of classes are not supported yet, so make it a generator [Function] of the app or return a list");
            }

            string? batchResultCollection = null;
            if (batched is not null)
            {
                var batchItem = resultType is null ? null : BatchItemType(resultType, out batchResultCollection);
                if (batchItem is null)
                {
                    Report(Descriptors.InvalidBatchedSignature, location, displayName, resultType is null ? "returns nothing" : $"returns {resultType.ToDisplayString()}");
                }
                else
                {
                    resultType = batchItem;
                }
            }

            var isPublic = IsEffectivelyPublic(type);
            foreach (var parameter in method.Parameters)
            {
                if (IsCancellationToken(parameter.Type))
                {
                    continue;
                }

                var parameterType = batched is not null ? BatchItemType(parameter.Type, out _) ?? parameter.Type : parameter.Type;
                collector.Collect(parameterType, $"{type.Name}.{method.Name} parameter '{parameter.Name}'");
                isPublic &= IsEffectivelyPublic(parameterType);
            }

            var resultTypeName = NilType;
            var manifestReturnType = "void";
            if (resultType is not null)
            {
                collector.Collect(resultType, $"{type.Name}.{method.Name} return value");
                isPublic &= IsEffectivelyPublic(resultType);
                resultTypeName = TypeNames.Annotated(resultType);
                manifestReturnType = resultTypeName;
            }

            if (_errorCount > errorsAtStart)
            {
                return null;
            }

            return new FunctionModel(
                TypeNames.Annotated(type),
                method.Name,
                $"{classIdentifier}_{TypeNames.ToIdentifier(method.Name)}",
                method.Name,
                method.Name,
                parameters,
                shape,
                TypeNames.Annotated(method.ReturnType),
                resultTypeName,
                manifestReturnType,
                itemType is null ? null : TypeNames.Annotated(itemType),
                batchResultCollection,
                isPublic,
                new SettingsModel(),
                EquatableArray<SerializableTypeModel>.Empty,
                location);
        }

        /// <summary>The class as the shared configuration rules see it: one function whose settings are the class's.</summary>
        private static Modal.Rules.FunctionSettings ClsRuleInput(string name, SettingsModel s, IMethodSymbol? batched)
        {
            var settings = SettingsRuleInput(name, s);
            if (batched is not null)
            {
                settings.ParametersWithDefaults = batched.Parameters.Where(p => !IsCancellationToken(p.Type) && p.HasExplicitDefaultValue).Select(p => p.Name).ToList();
            }

            return settings;
        }
    }
}
