using System.Collections.Immutable;
using MessagePack;
using MessagePack.Resolvers;

namespace Modal.Dispatch;

/// <summary>
/// The serializer options every Modal payload uses: the generated resolvers of the loaded app assemblies, then
/// MessagePack's built-in primitives. No reflection-based resolver is ever consulted, so a type the generator did not
/// cover fails loudly instead of being serialized by guesswork.
/// </summary>
public static class ModalSerializer
{
    private static readonly object Gate = new();
    private static ImmutableArray<IFormatterResolver> _resolvers = ImmutableArray<IFormatterResolver>.Empty;
    private static MessagePackSerializerOptions _options = Build(ImmutableArray<IFormatterResolver>.Empty);

    /// <summary>Options over every registered resolver.</summary>
    public static MessagePackSerializerOptions Options => Volatile.Read(ref _options);

    /// <summary>
    /// Adds a generated resolver. Generated code calls this from a module initializer, so an app's types are known as
    /// soon as its assembly is loaded.
    /// </summary>
    public static void Register(IFormatterResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (Gate)
        {
            if (_resolvers.Contains(resolver))
            {
                return;
            }

            _resolvers = _resolvers.Add(resolver);
            Volatile.Write(ref _options, Build(_resolvers));
        }
    }

    /// <summary>Options for one resolver plus the built-in primitives.</summary>
    public static MessagePackSerializerOptions Create(IFormatterResolver resolver) => Build([resolver]);

    private static MessagePackSerializerOptions Build(ImmutableArray<IFormatterResolver> resolvers)
    {
        var all = new List<IFormatterResolver>(resolvers.Length + 1);
        all.AddRange(resolvers);
        all.Add(BuiltinResolver.Instance);
        return MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(all.ToArray()))
            .WithSecurity(MessagePackSecurity.UntrustedData);
    }
}
