using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Modal.Generators.Diagnostics;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal sealed partial class Parser
    {
        private const string Formatters = "global::MessagePack.Formatters.";

        /// <summary>
        /// Walks the types a function signature reaches and decides, for each, which formatter serves it. Primitives and
        /// the other types of MessagePack's BuiltinResolver need no entry; collections, nullables, tuples and enums use
        /// MessagePack's own formatter classes; user classes, structs and records get an emitted object formatter.
        /// Anything else is an error that names the member path leading to it.
        /// </summary>
        internal sealed class TypeCollector
        {
            private static readonly Dictionary<string, string> CollectionFormatters = new()
            {
                ["System.Collections.Generic.List`1"] = "ListFormatter",
                ["System.Collections.Generic.IList`1"] = "InterfaceListFormatter2",
                ["System.Collections.Generic.IReadOnlyList`1"] = "InterfaceReadOnlyListFormatter",
                ["System.Collections.Generic.ICollection`1"] = "InterfaceCollectionFormatter2",
                ["System.Collections.Generic.IReadOnlyCollection`1"] = "InterfaceReadOnlyCollectionFormatter",
                ["System.Collections.Generic.IEnumerable`1"] = "InterfaceEnumerableFormatter",
                ["System.Collections.Generic.HashSet`1"] = "HashSetFormatter",
                ["System.Collections.Generic.ISet`1"] = "InterfaceSetFormatter",
                ["System.Collections.Generic.Dictionary`2"] = "DictionaryFormatter",
                ["System.Collections.Generic.IDictionary`2"] = "InterfaceDictionaryFormatter",
                ["System.Collections.Generic.IReadOnlyDictionary`2"] = "InterfaceReadOnlyDictionaryFormatter",
                ["System.Collections.Generic.KeyValuePair`2"] = "KeyValuePairFormatter",
                ["System.ValueTuple`1"] = "ValueTupleFormatter",
                ["System.ValueTuple`2"] = "ValueTupleFormatter",
                ["System.ValueTuple`3"] = "ValueTupleFormatter",
                ["System.ValueTuple`4"] = "ValueTupleFormatter",
                ["System.ValueTuple`5"] = "ValueTupleFormatter",
                ["System.ValueTuple`6"] = "ValueTupleFormatter",
                ["System.ValueTuple`7"] = "ValueTupleFormatter",
                ["System.ValueTuple`8"] = "ValueTupleFormatter",
            };

            // Served by MessagePack's BuiltinResolver, which ModalSerializer consults after the generated resolvers.
            private static readonly HashSet<string> BuiltinTypes =
            [
                "System.Guid", "System.TimeSpan", "System.DateTimeOffset", "System.Uri", "System.Version", "System.Half",
                "System.DateOnly", "System.TimeOnly", "System.Numerics.BigInteger", "System.Numerics.Complex",
                "MessagePack.Nil",
            ];

            private static readonly string[] MultiDimensionalArrayFormatters =
                ["", "", "TwoDimensionalArrayFormatter", "ThreeDimensionalArrayFormatter", "FourDimensionalArrayFormatter"];

            private readonly Parser _parser;
            private readonly LocationInfo? _location;
            private readonly Dictionary<string, SerializableTypeModel> _types = new();
            private readonly HashSet<string> _inProgress = new();

            public TypeCollector(Parser parser, LocationInfo? location)
            {
                _parser = parser;
                _location = location;
            }

            public EquatableArray<SerializableTypeModel> Types => _types.Values.OrderBy(t => t.TypeName, System.StringComparer.Ordinal).ToEquatableArray();

            /// <summary>Collects <paramref name="type"/> and what it reaches; false (with a diagnostic) when it cannot be serialized.</summary>
            public bool Collect(ITypeSymbol type, string path)
            {
                var key = TypeNames.Unannotated(type);
                if (_types.ContainsKey(key) || _inProgress.Contains(key))
                {
                    return true;
                }

                switch (type.TypeKind)
                {
                    case TypeKind.Error:
                        // The compiler reports the missing type itself.
                        return true;
                    case TypeKind.Dynamic:
                        return Fail(path, type, "dynamic has no fixed shape; use a concrete type");
                    case TypeKind.Delegate:
                        return Fail(path, type, "delegates are code, not data; pass the data the delegate would use instead");
                    case TypeKind.Pointer:
                    case TypeKind.FunctionPointer:
                        return Fail(path, type, "pointers cannot cross process boundaries");
                    case TypeKind.TypeParameter:
                        return Fail(path, type, $"it is the type parameter '{type.Name}'; use a concrete type");
                }

                if (type.SpecialType == SpecialType.System_Object)
                {
                    return Fail(path, type, "object has no fixed shape, so the receiver could not tell what to read; use a concrete type");
                }

                if (IsBuiltin(type))
                {
                    return true;
                }

                if (type is IArrayTypeSymbol array)
                {
                    if (array.Rank > 4)
                    {
                        return Fail(path, type, "arrays of more than four dimensions are not supported");
                    }

                    var element = TypeNames.Unannotated(array.ElementType);
                    var formatter = array.Rank == 1 ? "ArrayFormatter" : MultiDimensionalArrayFormatters[array.Rank];
                    return CollectGeneric(key, $"new {Formatters}{formatter}<{element}>()", [array.ElementType], path);
                }

                if (type is not INamedTypeSymbol named)
                {
                    return Fail(path, type, "this kind of type is not supported");
                }

                if (named.IsTupleType && named.TupleUnderlyingType is { } underlying)
                {
                    named = underlying;
                }

                if (named.IsUnboundGenericType)
                {
                    return Fail(path, type, "it is an open generic type; use a constructed type");
                }

                if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
                {
                    var inner = named.TypeArguments[0];
                    return CollectGeneric(key, $"new {Formatters}NullableFormatter<{TypeNames.Unannotated(inner)}>()", [inner], path);
                }

                if (named.TypeKind == TypeKind.Enum)
                {
                    AddFormatter(key, $"new {Formatters}GenericEnumFormatter<{key}>()");
                    return true;
                }

                var definition = MetadataName(named.OriginalDefinition);
                if (CollectionFormatters.TryGetValue(definition, out var collectionFormatter))
                {
                    var arguments = string.Join(", ", named.TypeArguments.Select(TypeNames.Unannotated));
                    return CollectGeneric(key, $"new {Formatters}{collectionFormatter}<{arguments}>()", named.TypeArguments, path);
                }

                if (named.TypeKind == TypeKind.Interface)
                {
                    return Fail(path, type, "interfaces other than IEnumerable<T>, ICollection<T>, IReadOnlyCollection<T>, IList<T>, IReadOnlyList<T>, ISet<T>, IDictionary<K,V> and IReadOnlyDictionary<K,V> have no fixed shape; use a concrete class");
                }

                var ns = named.ContainingNamespace?.ToDisplayString() ?? "";
                if (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal) ||
                    ns == "Microsoft" || ns.StartsWith("Microsoft.", System.StringComparison.Ordinal))
                {
                    return Fail(path, type, "framework types other than primitives, string, byte[], DateTime, DateTimeOffset, TimeSpan, Guid, decimal, Uri, Version and the generic collections are not supported; copy the data into a record of your own");
                }

                return CollectObject(key, named, path);
            }

            private bool CollectGeneric(string key, string formatterExpression, IEnumerable<ITypeSymbol> arguments, string path)
            {
                _inProgress.Add(key);
                var ok = true;
                foreach (var argument in arguments)
                {
                    ok &= Collect(argument, path);
                }

                _inProgress.Remove(key);
                if (ok)
                {
                    AddFormatter(key, formatterExpression);
                }

                return ok;
            }

            private bool CollectObject(string key, INamedTypeSymbol type, string path)
            {
                if (type.IsAbstract || type.IsStatic)
                {
                    return Fail(path, type, $"it is {(type.IsStatic ? "static" : "abstract")}, so there is no way to create one when reading it; use a concrete type");
                }

                if (type.IsRefLikeType)
                {
                    return Fail(path, type, "ref structs cannot be stored or boxed");
                }

                if (!IsAccessibleFromAssembly(type))
                {
                    return Fail(path, type, "it is private or protected, so generated code cannot create it; make it internal or public");
                }

                var (members, constructorCount, problem) = Shape(type);
                if (problem is not null)
                {
                    return Fail(path, type, problem);
                }

                _inProgress.Add(key);
                var ok = true;
                foreach (var (symbol, memberType) in members)
                {
                    ok &= Collect(memberType, $"{path} -> {type.Name}.{symbol.Name}");
                }

                _inProgress.Remove(key);
                if (!ok)
                {
                    return false;
                }

                var memberModels = new List<MemberModel>();
                foreach (var (symbol, memberType) in members)
                {
                    memberModels.Add(new MemberModel(TypeNames.EscapeIdentifier(symbol.Name), TypeNames.Annotated(memberType), -1));
                }

                var ordered = ApplyConstructorPositions(memberModels, members, type, constructorCount);
                _types[key] = new SerializableTypeModel(
                    key,
                    null,
                    TypeNames.ToIdentifier(type.Name),
                    type.IsValueType,
                    ordered.ToEquatableArray(),
                    constructorCount);
                return true;
            }

            /// <summary>
            /// Finds what is serialized and how an instance is created: the public constructor whose parameters all match
            /// members (a record's primary constructor) with the most parameters, else a parameterless one; then every
            /// public settable or init-only member. Get-only members no constructor sets are computed, and are skipped.
            /// </summary>
            private static (List<(ISymbol Symbol, ITypeSymbol Type)> Members, int ConstructorCount, string? Problem) Shape(INamedTypeSymbol type)
            {
                var candidates = new List<(ISymbol Symbol, ITypeSymbol Type, bool Settable)>();
                var chain = new List<INamedTypeSymbol>();
                for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
                {
                    chain.Insert(0, current);
                }

                var seen = new HashSet<string>();
                foreach (var level in chain)
                {
                    foreach (var member in level.GetMembers())
                    {
                        if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared && member is not IPropertySymbol)
                        {
                            continue;
                        }

                        switch (member)
                        {
                            case IPropertySymbol { IsIndexer: false, GetMethod.DeclaredAccessibility: Accessibility.Public } property
                                when !seen.Contains(property.Name) && property.Name != "EqualityContract":
                                seen.Add(property.Name);
                                var settable = property.SetMethod is { DeclaredAccessibility: Accessibility.Public };
                                candidates.Add((property, property.Type, settable));
                                break;
                            case IFieldSymbol { IsConst: false, AssociatedSymbol: null } field when !seen.Contains(field.Name):
                                seen.Add(field.Name);
                                candidates.Add((field, field.Type, !field.IsReadOnly));
                                break;
                        }
                    }
                }

                IMethodSymbol? best = null;
                foreach (var constructor in type.InstanceConstructors)
                {
                    if (constructor.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                    {
                        continue;
                    }

                    if (constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type))
                    {
                        continue; // a record's copy constructor
                    }

                    var matches = constructor.Parameters.All(p => candidates.Any(c =>
                        string.Equals(c.Symbol.Name, p.Name, System.StringComparison.OrdinalIgnoreCase) &&
                        SymbolEqualityComparer.Default.Equals(c.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated))));
                    if (matches && (best is null || constructor.Parameters.Length > best.Parameters.Length))
                    {
                        best = constructor;
                    }
                }

                if (best is null)
                {
                    return ([], 0, "it has no accessible constructor that is parameterless or whose parameters all match public properties, so there is no way to create one when reading it");
                }

                var members = new List<(ISymbol Symbol, ITypeSymbol Type)>();
                foreach (var candidate in candidates)
                {
                    var inConstructor = best.Parameters.Any(p => string.Equals(p.Name, candidate.Symbol.Name, System.StringComparison.OrdinalIgnoreCase));
                    if (inConstructor || candidate.Settable)
                    {
                        members.Add((candidate.Symbol, candidate.Type));
                    }
                }

                return (members, best.Parameters.Length, null);
            }

            private static List<MemberModel> ApplyConstructorPositions(
                List<MemberModel> models,
                List<(ISymbol Symbol, ITypeSymbol Type)> members,
                INamedTypeSymbol type,
                int constructorCount)
            {
                if (constructorCount == 0)
                {
                    return models;
                }

                var constructor = type.InstanceConstructors.First(c =>
                    c.Parameters.Length == constructorCount &&
                    !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type)) &&
                    c.Parameters.All(p => members.Any(m => string.Equals(m.Symbol.Name, p.Name, System.StringComparison.OrdinalIgnoreCase))));
                var result = new List<MemberModel>(models.Count);
                for (var i = 0; i < models.Count; i++)
                {
                    var position = -1;
                    for (var p = 0; p < constructor.Parameters.Length; p++)
                    {
                        if (string.Equals(constructor.Parameters[p].Name, members[i].Symbol.Name, System.StringComparison.OrdinalIgnoreCase))
                        {
                            position = p;
                            break;
                        }
                    }

                    result.Add(models[i] with { ConstructorPosition = position });
                }

                return result;
            }

            private static bool IsBuiltin(ITypeSymbol type)
            {
                switch (type.SpecialType)
                {
                    case SpecialType.System_Boolean:
                    case SpecialType.System_Char:
                    case SpecialType.System_SByte:
                    case SpecialType.System_Byte:
                    case SpecialType.System_Int16:
                    case SpecialType.System_UInt16:
                    case SpecialType.System_Int32:
                    case SpecialType.System_UInt32:
                    case SpecialType.System_Int64:
                    case SpecialType.System_UInt64:
                    case SpecialType.System_Single:
                    case SpecialType.System_Double:
                    case SpecialType.System_Decimal:
                    case SpecialType.System_String:
                    case SpecialType.System_DateTime:
                        return true;
                }

                if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
                {
                    return true;
                }

                return type is INamedTypeSymbol { IsGenericType: false } named && BuiltinTypes.Contains(MetadataName(named));
            }

            internal static bool IsAccessibleFromAssembly(INamedTypeSymbol type)
            {
                for (var current = type; current is not null; current = current.ContainingType)
                {
                    if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                    {
                        return false;
                    }
                }

                return true;
            }

            private static string MetadataName(INamedTypeSymbol type)
            {
                var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
                var containing = type.ContainingType is { } c ? MetadataName(c) + "+" : "";
                return (containing.Length > 0 ? containing : ns) + type.MetadataName;
            }

            private void AddFormatter(string key, string expression) =>
                _types[key] = new SerializableTypeModel(key, expression, null, false, EquatableArray<MemberModel>.Empty, 0);

            private bool Fail(string path, ITypeSymbol type, string reason)
            {
                _parser.Report(Descriptors.UnserializableType, _location, path, type.ToDisplayString(), reason);
                return false;
            }
        }
    }
}
