using System.Reflection;

namespace Modal.Worker.Web;

/// <summary>
/// Where one parameter of a [WebEndpoint] function comes from: a primitive from the query string, anything else (a
/// record, class, dictionary or list) from the JSON body, and a CancellationToken from the request's abort signal.
/// This is FastAPI's rule for a <c>fastapi_endpoint</c>.
/// </summary>
internal sealed class EndpointParameter
{
    private EndpointParameter(ParameterInfo parameter, ParameterSource source, bool isRequired, object? defaultValue)
    {
        Name = parameter.Name ?? $"arg{parameter.Position}";
        Type = parameter.ParameterType;
        Source = source;
        IsRequired = isRequired;
        DefaultValue = defaultValue;
    }

    public string Name { get; }

    public Type Type { get; }

    public ParameterSource Source { get; }

    /// <summary>No default and not nullable: a request without it gets a 422.</summary>
    public bool IsRequired { get; }

    /// <summary>What an optional parameter gets when the request leaves it out.</summary>
    public object? DefaultValue { get; }

    public static EndpointParameter Create(ParameterInfo parameter, NullabilityInfoContext nullability)
    {
        var type = parameter.ParameterType;
        if (type.IsByRef)
        {
            throw new InvalidError($"Parameter '{parameter.Name}' of web endpoint '{parameter.Member.Name}' is passed by reference; web endpoints take values.");
        }

        if (type == typeof(CancellationToken))
        {
            return new EndpointParameter(parameter, ParameterSource.Cancellation, isRequired: false, defaultValue: null);
        }

        var source = QueryValueParser.IsSimple(type) ? ParameterSource.Query : ParameterSource.Body;
        if (parameter.HasDefaultValue)
        {
            return new EndpointParameter(parameter, source, isRequired: false, DefaultOf(parameter));
        }

        var nullable = Nullable.GetUnderlyingType(type) is not null ||
            (!type.IsValueType && nullability.Create(parameter).ReadState == NullabilityState.Nullable);
        return new EndpointParameter(parameter, source, isRequired: !nullable, defaultValue: null);
    }

    // Reflection reports `= default` of a struct as null and an enum default as its underlying number.
    private static object? DefaultOf(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        var value = parameter.DefaultValue is DBNull or Missing ? null : parameter.DefaultValue;
        if (value is null)
        {
            return parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null
                ? Activator.CreateInstance(parameter.ParameterType)
                : null;
        }

        return type.IsEnum ? Enum.ToObject(type, value) : value;
    }
}

internal enum ParameterSource
{
    Query,
    Body,
    Cancellation,
}
