using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Modal.Worker.Web;

/// <summary>
/// The OpenAPI 3.1 document of a [WebEndpoint] (<c>Docs = true</c>): its one operation at <c>/</c>, the query
/// parameters and body it binds, what it returns and its 422. Schemas come from System.Text.Json's exporter with the
/// same options the endpoint binds and serializes with, so the document describes the JSON the endpoint really takes.
/// </summary>
internal static class OpenApiDocument
{
    private static readonly JsonSchemaExporterOptions ExporterOptions = new() { TreatNullObliviousAsNonNullable = true };

    public static JsonObject Build(WebFunction function, EndpointBinder binder, EndpointResult result, JsonSerializerOptions json)
    {
        var method = (function.Settings.Method ?? "GET").ToLowerInvariant();
        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["summary"] = function.Name,
            ["description"] = $"The Modal function '{function.Name}' ({function.Method.DeclaringType?.FullName}.{function.Method.Name}).",
        };

        var parameters = new JsonArray();
        foreach (var parameter in binder.Parameters.Where(p => p.Source == ParameterSource.Query))
        {
            var schema = Schema(parameter.Type, json);
            if (!parameter.IsRequired && parameter.DefaultValue is { } value)
            {
                schema["default"] = JsonSerializer.SerializeToNode(value, value.GetType(), json);
            }

            parameters.Add(new JsonObject
            {
                ["name"] = parameter.Name,
                ["in"] = "query",
                ["required"] = parameter.IsRequired,
                ["schema"] = schema,
            });
        }

        operation["parameters"] = parameters;
        var body = binder.Parameters.Where(p => p.Source == ParameterSource.Body).ToList();
        if (body.Count > 0)
        {
            JsonNode bodySchema;
            if (binder.EmbedsBody)
            {
                var properties = new JsonObject();
                foreach (var parameter in body)
                {
                    properties[parameter.Name] = Schema(parameter.Type, json);
                }

                bodySchema = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = properties,
                    ["required"] = new JsonArray([.. body.Where(p => p.IsRequired).Select(p => (JsonNode)p.Name)]),
                };
            }
            else
            {
                bodySchema = Schema(body[0].Type, json);
            }

            operation["requestBody"] = new JsonObject
            {
                ["required"] = body.Any(p => p.IsRequired),
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = bodySchema } },
            };
        }

        operation["responses"] = new JsonObject
        {
            ["200"] = Success(result, json),
            ["422"] = new JsonObject
            {
                ["description"] = "Validation Error: each entry of detail names a field (loc) and what is wrong with it (msg).",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = ValidationErrorSchema() } },
            },
        };

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = function.Name, ["version"] = "1.0.0" },
            ["paths"] = new JsonObject { ["/"] = new JsonObject { [method] = operation } },
        };
    }

    private static JsonObject Success(EndpointResult result, JsonSerializerOptions json)
    {
        var response = new JsonObject { ["description"] = "Successful Response" };
        if (result.IsStream)
        {
            // OpenAPI's itemSchema (3.2) describes each event of a sequential media type; older tools ignore it.
            response["description"] = "Server-sent events, one data field per item, sent as the function produces them.";
            response["content"] = new JsonObject
            {
                ["text/event-stream"] = new JsonObject { ["itemSchema"] = result.ItemType == typeof(string) ? new JsonObject { ["type"] = "string" } : Schema(result.ItemType!, json) },
            };
        }
        else if (typeof(Microsoft.AspNetCore.Http.IResult).IsAssignableFrom(result.ValueType))
        {
            response["description"] = "The result the endpoint builds (status and body depend on the request).";
        }
        else
        {
            var schema = result.ValueType == typeof(void) ? new JsonObject { ["type"] = "null" } : Schema(result.ValueType, json);
            response["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } };
        }

        return response;
    }

    private static JsonObject Schema(Type type, JsonSerializerOptions json) =>
        json.GetJsonSchemaAsNode(type, ExporterOptions) as JsonObject ?? new JsonObject();

    private static JsonObject ValidationErrorSchema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["detail"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("type", "loc", "msg"),
                    ["properties"] = new JsonObject
                    {
                        ["type"] = new JsonObject { ["type"] = "string" },
                        ["loc"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = new JsonArray("string", "integer") } },
                        ["msg"] = new JsonObject { ["type"] = "string" },
                        ["input"] = new JsonObject(),
                    },
                },
            },
        },
    };
}
