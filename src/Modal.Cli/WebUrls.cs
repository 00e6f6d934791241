using System.Text.Json.Nodes;

namespace Modal.Cli;

/// <summary>
/// The URLs of an app's web functions as deploy and serve report them: one "Created web function F => URL" line each,
/// as the reference's CLI prints them, or a <c>webUrls</c> object (function to URL) in JSON output.
/// </summary>
internal static class WebUrls
{
    public static void Print(IReadOnlyDictionary<string, string> urls)
    {
        foreach (var (function, url) in urls.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            // Plain output: Spectre wraps at the terminal's width (80 columns when redirected), and a URL cut in two
            // cannot be copied or opened.
            Console.Out.WriteLine($"Created web function {function} => {url}");
        }
    }

    public static JsonObject ToJson(IReadOnlyDictionary<string, string> urls) =>
        new(urls.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => KeyValuePair.Create(u.Key, (JsonNode?)u.Value)));
}
