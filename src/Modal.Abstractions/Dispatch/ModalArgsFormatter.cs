using MessagePack;
using MessagePack.Formatters;

namespace Modal.Dispatch;

// Formatters of the ModalArgs family: an array of the arguments in parameter order, read back tolerating extra trailing
// elements (written by a newer caller: skipped) and missing ones (left at their default), like the generated records.

/// <summary>Writes <see cref="ModalArgs"/> as an empty array.</summary>
public sealed class ModalArgsFormatter : IMessagePackFormatter<ModalArgs?>
{
    public void Serialize(ref MessagePackWriter writer, ModalArgs? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(0);
    }

    public ModalArgs? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reader.TryReadNil())
        {
            return null;
        }

        // A caller that knows more parameters than this build may send them: skip them.
        var count = reader.ReadArrayHeader();
        for (var i = 0; i < count; i++)
        {
            reader.Skip();
        }

        return ModalArgs.Empty;
    }
}

/// <summary>Writes <see cref="ModalArgs{T1}"/> as an array of 1 element.</summary>
public sealed class ModalArgsFormatter<T1> : IMessagePackFormatter<ModalArgs<T1>?>
{
    public void Serialize(ref MessagePackWriter writer, ModalArgs<T1>? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var resolver = options.Resolver;
        writer.WriteArrayHeader(1);
        resolver.GetFormatterWithVerify<T1>().Serialize(ref writer, value.Item1, options);
    }

    public ModalArgs<T1>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reader.TryReadNil())
        {
            return null;
        }

        options.Security.DepthStep(ref reader);
        try
        {
            var resolver = options.Resolver;
            T1 item1 = default!;
            var count = reader.ReadArrayHeader();
            for (var i = 0; i < count; i++)
            {
                switch (i)
                {
                    case 0:
                        item1 = resolver.GetFormatterWithVerify<T1>().Deserialize(ref reader, options);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new ModalArgs<T1>(item1);
        }
        finally
        {
            reader.Depth--;
        }
    }
}

/// <summary>Writes <see cref="ModalArgs{T1, T2}"/> as an array of 2 elements.</summary>
public sealed class ModalArgsFormatter<T1, T2> : IMessagePackFormatter<ModalArgs<T1, T2>?>
{
    public void Serialize(ref MessagePackWriter writer, ModalArgs<T1, T2>? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var resolver = options.Resolver;
        writer.WriteArrayHeader(2);
        resolver.GetFormatterWithVerify<T1>().Serialize(ref writer, value.Item1, options);
        resolver.GetFormatterWithVerify<T2>().Serialize(ref writer, value.Item2, options);
    }

    public ModalArgs<T1, T2>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reader.TryReadNil())
        {
            return null;
        }

        options.Security.DepthStep(ref reader);
        try
        {
            var resolver = options.Resolver;
            T1 item1 = default!;
            T2 item2 = default!;
            var count = reader.ReadArrayHeader();
            for (var i = 0; i < count; i++)
            {
                switch (i)
                {
                    case 0:
                        item1 = resolver.GetFormatterWithVerify<T1>().Deserialize(ref reader, options);
                        break;
                    case 1:
                        item2 = resolver.GetFormatterWithVerify<T2>().Deserialize(ref reader, options);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new ModalArgs<T1, T2>(item1, item2);
        }
        finally
        {
            reader.Depth--;
        }
    }
}

/// <summary>Writes <see cref="ModalArgs{T1, T2, T3}"/> as an array of 3 elements.</summary>
public sealed class ModalArgsFormatter<T1, T2, T3> : IMessagePackFormatter<ModalArgs<T1, T2, T3>?>
{
    public void Serialize(ref MessagePackWriter writer, ModalArgs<T1, T2, T3>? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var resolver = options.Resolver;
        writer.WriteArrayHeader(3);
        resolver.GetFormatterWithVerify<T1>().Serialize(ref writer, value.Item1, options);
        resolver.GetFormatterWithVerify<T2>().Serialize(ref writer, value.Item2, options);
        resolver.GetFormatterWithVerify<T3>().Serialize(ref writer, value.Item3, options);
    }

    public ModalArgs<T1, T2, T3>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reader.TryReadNil())
        {
            return null;
        }

        options.Security.DepthStep(ref reader);
        try
        {
            var resolver = options.Resolver;
            T1 item1 = default!;
            T2 item2 = default!;
            T3 item3 = default!;
            var count = reader.ReadArrayHeader();
            for (var i = 0; i < count; i++)
            {
                switch (i)
                {
                    case 0:
                        item1 = resolver.GetFormatterWithVerify<T1>().Deserialize(ref reader, options);
                        break;
                    case 1:
                        item2 = resolver.GetFormatterWithVerify<T2>().Deserialize(ref reader, options);
                        break;
                    case 2:
                        item3 = resolver.GetFormatterWithVerify<T3>().Deserialize(ref reader, options);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new ModalArgs<T1, T2, T3>(item1, item2, item3);
        }
        finally
        {
            reader.Depth--;
        }
    }
}

/// <summary>Writes <see cref="ModalArgs{T1, T2, T3, T4}"/> as an array of 4 elements.</summary>
public sealed class ModalArgsFormatter<T1, T2, T3, T4> : IMessagePackFormatter<ModalArgs<T1, T2, T3, T4>?>
{
    public void Serialize(ref MessagePackWriter writer, ModalArgs<T1, T2, T3, T4>? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var resolver = options.Resolver;
        writer.WriteArrayHeader(4);
        resolver.GetFormatterWithVerify<T1>().Serialize(ref writer, value.Item1, options);
        resolver.GetFormatterWithVerify<T2>().Serialize(ref writer, value.Item2, options);
        resolver.GetFormatterWithVerify<T3>().Serialize(ref writer, value.Item3, options);
        resolver.GetFormatterWithVerify<T4>().Serialize(ref writer, value.Item4, options);
    }

    public ModalArgs<T1, T2, T3, T4>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reader.TryReadNil())
        {
            return null;
        }

        options.Security.DepthStep(ref reader);
        try
        {
            var resolver = options.Resolver;
            T1 item1 = default!;
            T2 item2 = default!;
            T3 item3 = default!;
            T4 item4 = default!;
            var count = reader.ReadArrayHeader();
            for (var i = 0; i < count; i++)
            {
                switch (i)
                {
                    case 0:
                        item1 = resolver.GetFormatterWithVerify<T1>().Deserialize(ref reader, options);
                        break;
                    case 1:
                        item2 = resolver.GetFormatterWithVerify<T2>().Deserialize(ref reader, options);
                        break;
                    case 2:
                        item3 = resolver.GetFormatterWithVerify<T3>().Deserialize(ref reader, options);
                        break;
                    case 3:
                        item4 = resolver.GetFormatterWithVerify<T4>().Deserialize(ref reader, options);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new ModalArgs<T1, T2, T3, T4>(item1, item2, item3, item4);
        }
        finally
        {
            reader.Depth--;
        }
    }
}
