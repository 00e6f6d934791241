using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Modal.Worker.Web;

/// <summary>
/// Turns a request into the arguments of a [WebEndpoint] function, collecting every problem (not just the first) so
/// the 422 lists all the fields a client must fix. With one body parameter the whole JSON body is that parameter; with
/// several, the body is an object with a member per parameter name (FastAPI's embedding).
/// </summary>
internal sealed partial class EndpointBinder
{
    private readonly JsonSerializerOptions _json;
    private readonly bool _embedBody;

    public EndpointBinder(MethodInfo method, JsonSerializerOptions json)
    {
        _json = json;
        var nullability = new NullabilityInfoContext();
        Parameters = [.. method.GetParameters().Select(p => EndpointParameter.Create(p, nullability))];
        _embedBody = Parameters.Count(p => p.Source == ParameterSource.Body) > 1;
    }

    public IReadOnlyList<EndpointParameter> Parameters { get; }

    public bool HasBody => Parameters.Any(p => p.Source == ParameterSource.Body);

    /// <summary>Whether several body parameters share the body as members of one object.</summary>
    public bool EmbedsBody => _embedBody;

    public async Task<(object?[] Arguments, IReadOnlyList<ValidationProblem> Problems)> BindAsync(HttpContext context)
    {
        var arguments = new object?[Parameters.Count];
        var problems = new List<ValidationProblem>();
        var (bodyRead, body) = HasBody ? await ReadBodyAsync(context, problems).ConfigureAwait(false) : (true, null);
        using (body)
        {
            for (var i = 0; i < Parameters.Count; i++)
            {
                var parameter = Parameters[i];
                arguments[i] = parameter.Source switch
                {
                    ParameterSource.Cancellation => context.RequestAborted,
                    ParameterSource.Query => BindQuery(context, parameter, problems),
                    _ when bodyRead => BindBody(body, parameter, problems),
                    _ => null,
                };
            }
        }

        return (arguments, problems);
    }

    private static object? BindQuery(HttpContext context, EndpointParameter parameter, List<ValidationProblem> problems)
    {
        if (!context.Request.Query.TryGetValue(parameter.Name, out var values) || values.Count == 0)
        {
            if (parameter.IsRequired)
            {
                problems.Add(ValidationProblem.Missing("query", parameter.Name));
            }

            return parameter.DefaultValue;
        }

        // A repeated parameter binds its last value, as FastAPI does for a scalar.
        var text = values[values.Count - 1] ?? "";
        if (QueryValueParser.TryParse(text, parameter.Type, out var value, out var problem))
        {
            return value;
        }

        problems.Add(new ValidationProblem(["query", parameter.Name], problem.Type, problem.Message, text));
        return null;
    }

    /// <summary>The parsed body (null when the request has none); false when it is not JSON.</summary>
    private static async Task<(bool Ok, JsonDocument? Body)> ReadBodyAsync(HttpContext context, List<ValidationProblem> problems)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return (true, null);
        }

        try
        {
            return (true, await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false));
        }
        catch (JsonException ex)
        {
            problems.Add(new ValidationProblem(["body", ex.BytePositionInLine ?? 0], "json_invalid", $"JSON decode error: {Trim(ex.Message)}"));
            return (false, null);
        }
    }

    private object? BindBody(JsonDocument? body, EndpointParameter parameter, List<ValidationProblem> problems)
    {
        object[] location = _embedBody ? ["body", parameter.Name] : ["body"];
        JsonElement? element = body?.RootElement;
        if (_embedBody && element is { ValueKind: JsonValueKind.Object } root)
        {
            element = Property(root, parameter.Name);
        }
        else if (_embedBody)
        {
            element = null;
        }

        if (element is not { } value || value.ValueKind == JsonValueKind.Undefined)
        {
            if (parameter.IsRequired)
            {
                problems.Add(ValidationProblem.Missing(location));
            }

            return parameter.DefaultValue;
        }

        var before = problems.Count;
        CheckRequiredMembers(value, parameter.Type, location, problems);
        if (problems.Count > before)
        {
            return null;
        }

        try
        {
            var result = value.Deserialize(parameter.Type, _json);
            if (result is null && parameter.IsRequired)
            {
                problems.Add(new ValidationProblem(location, "null", "Input should not be null", null));
            }

            return result;
        }
        catch (JsonException ex)
        {
            var path = PathSegments(ex.Path).ToList();
            var (expected, input) = AtPath(parameter.Type, value, path);
            var message = expected is null ? Trim(ex.Message) : $"Input should be {Describe(expected)}";
            problems.Add(new ValidationProblem([.. location, .. path], "json_type", message, input));
            return null;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or NotSupportedException)
        {
            problems.Add(new ValidationProblem(location, "value_error", ex.Message, value.ToString()));
            return null;
        }
    }

    // System.Text.Json reports only the first missing member of an object; checking them up front names every one.
    private void CheckRequiredMembers(JsonElement value, Type type, object[] location, List<ValidationProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.Object || _json.GetTypeInfo(type) is not { Kind: JsonTypeInfoKind.Object } info)
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            var required = property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false, IsMemberInitializer: false };
            if (required && Property(value, property.Name) is null)
            {
                problems.Add(ValidationProblem.Missing([.. location, property.Name]));
            }
        }
    }

    /// <summary>
    /// The declared type and the JSON value at a path into the body, so a 422 says what the member should have been
    /// (System.Text.Json's own message names the enclosing type when a constructor parameter fails).
    /// </summary>
    private (Type? Expected, object? Input) AtPath(Type type, JsonElement value, IReadOnlyList<object> path)
    {
        Type? current = type;
        JsonElement? element = value;
        foreach (var segment in path)
        {
            var info = current is null ? null : _json.GetTypeInfo(current);
            current = info?.Kind switch
            {
                JsonTypeInfoKind.Object when segment is string name =>
                    info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType,
                JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary => info.ElementType,
                _ => null,
            };
            element = element switch
            {
                { ValueKind: JsonValueKind.Object } o when segment is string name => Property(o, name),
                { ValueKind: JsonValueKind.Array } a when segment is int index && index < a.GetArrayLength() => a[index],
                _ => null,
            };
        }

        return (current, element?.ToString());
    }

    private static string Describe(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return Type.GetTypeCode(target) switch
        {
            TypeCode.Boolean => "a valid boolean",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 =>
                $"a valid integer ({target.Name})",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a valid number",
            TypeCode.String => "a valid string",
            TypeCode.DateTime => "a valid ISO 8601 date and time",
            _ when target.IsEnum => $"one of: {string.Join(", ", Enum.GetNames(target))}",
            _ => $"a valid {target.Name}",
        };
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    /// <summary><c>$.items[2].name</c> as <c>["items", 2, "name"]</c>.</summary>
    internal static IEnumerable<object> PathSegments(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            yield break;
        }

        foreach (Match match in PathSegment().Matches(path))
        {
            if (match.Groups["name"].Success)
            {
                yield return match.Groups["name"].Value;
            }
            else if (match.Groups["index"].Success)
            {
                yield return int.Parse(match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                yield return match.Groups["quoted"].Value;
            }
        }
    }

    /// <summary>System.Text.Json's messages end with the path and position, which <c>loc</c> already carries.</summary>
    private static string Trim(string message)
    {
        var index = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (index < 0)
        {
            index = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        return index < 0 ? message : message[..index];
    }

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]")]
    private static partial Regex PathSegment();
}
