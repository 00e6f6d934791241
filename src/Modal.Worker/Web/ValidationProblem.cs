using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Modal.Worker.Web;

/// <summary>
/// One reason a request does not fit the function's parameters, in FastAPI's shape: the answer is a 422 whose body is
/// <c>{"detail": [{"type", "loc", "msg", "input"}]}</c>, where <c>loc</c> names the field (<c>["query", "x"]</c>,
/// <c>["body", "person", "age"]</c>), so a client can tell which one to fix.
/// </summary>
internal sealed record ValidationProblem(IReadOnlyList<object> Location, string Type, string Message, object? Input = null)
{
    public const int StatusCode = StatusCodes.Status422UnprocessableEntity;

    public static ValidationProblem Missing(params object[] location) => new(location, "missing", "Field required");

    public static async Task WriteAsync(HttpContext context, IReadOnlyList<ValidationProblem> problems, JsonSerializerOptions options)
    {
        context.Response.StatusCode = StatusCode;
        context.Response.ContentType = "application/json";
        var detail = problems.Select(p => new Dictionary<string, object?>
        {
            ["type"] = p.Type,
            ["loc"] = p.Location,
            ["msg"] = p.Message,
            ["input"] = p.Input,
        });
        await JsonSerializer.SerializeAsync(context.Response.Body, new { detail }, options, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The type of problem and the message a value that failed to parse gets.</summary>
    internal readonly record struct Kind(string Type, string Message);
}
