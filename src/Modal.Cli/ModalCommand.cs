using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli;

/// <summary>Base of the commands: typed errors become one red line (or a JSON object) and exit code 1.</summary>
public abstract class ModalCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : CliSettings
{
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ModalException or RpcException)
        {
            var error = ex is RpcException rpc ? ModalErrorCodec.FromRpcException(rpc, cancellationToken) : ex;
            if (settings.Json)
            {
                WriteJson(new JsonObject { ["error"] = error.Message, ["type"] = error.GetType().Name });
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{error.GetType().Name}:[/] {error.Message}");
            }

            return 1;
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);

    protected static void WriteJson(JsonNode node) =>
        Console.Out.WriteLine(node.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

    protected static string Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
