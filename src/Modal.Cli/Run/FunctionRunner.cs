using MessagePack;
using Modal.ControlPlane;
using Modal.Dispatch;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Cli.Run;

/// <summary>
/// <c>modal run app::Function</c>: runs the app as an ephemeral (or detached) app from its local build output, calls
/// one function remotely with arguments already serialized, and gives back its result as JSON text. With no server
/// configured it starts an embedded control plane, as <c>dotnet run</c> of the app would.
/// </summary>
internal static class FunctionRunner
{
    public static async Task<FunctionRunResult> RunAsync(
        string assemblyPath,
        string manifestJson,
        FunctionManifest function,
        byte[] arguments,
        bool detach,
        ModalOptions options,
        CancellationToken cancellationToken)
    {
        var manifest = AppManifest.Parse(manifestJson);
        await using var run = await ModalApp.StartAppAsync(manifest, manifestJson, assemblyPath, options with { Detach = detach }, cancellationToken).ConfigureAwait(false);
        var request = new FunctionMapRequest
        {
            FunctionId = run.FunctionIds[function.Name],
            CallType = FunctionCallType.Unary,
            InvocationType = FunctionCallInvocationType.Sync,
            InputsComplete = true,
        };
        request.PipelinedInputs.Add(new FunctionInput { Idx = 0, Args = await Payloads.EncodeAsync(arguments, run.Client, cancellationToken).ConfigureAwait(false) });
        var call = await run.Client.FunctionMapAsync(request, cancellationToken).ConfigureAwait(false);
        var json = await WaitAsync(run.Client, call.FunctionCallId, function, cancellationToken).ConfigureAwait(false);
        return new FunctionRunResult(run.AppId, call.FunctionCallId, json);
    }

    /// <summary>The call's one output as JSON (null for a function without a result); a failure is thrown as its typed error.</summary>
    private static async Task<string?> WaitAsync(ModalClient client, string functionCallId, FunctionManifest function, CancellationToken cancellationToken)
    {
        FunctionOutput? output = null;
        try
        {
            await foreach (var response in OutputReader.ReadAsync(client, functionCallId, cancellationToken).ConfigureAwait(false))
            {
                output = response.Outputs.FirstOrDefault(o => o.Idx == 0);
                if (output is not null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await client.TryCancelCallAsync(functionCallId).ConfigureAwait(false);
            throw;
        }

        if (output is null)
        {
            throw new ModalException($"The outputs of call {functionCallId} ended without a result. The control plane may have stopped; run the function again.");
        }

        if (output.Result?.Status != ResultStatus.Success)
        {
            // The decoder turns every failure status into its typed error; the value type does not matter for a failure.
            var failed = await ResultDecoder.DecodeAsync<int>(output.Result, client, function.Name, output.InputId, cancellationToken, output.RetryCount).ConfigureAwait(false);
            throw failed.Exception ?? new ModalException($"The call {functionCallId} of '{function.Name}' failed without an error.");
        }

        if (function.ReturnType == "void")
        {
            return null;
        }

        var bytes = await Payloads.DecodeAsync(output.Result.Data, client, cancellationToken).ConfigureAwait(false);
        return MessagePackSerializer.ConvertToJson(bytes, ModalSerializer.Options, cancellationToken);
    }
}

/// <summary>What <c>modal run app::Function</c> got back: the ids, and the result as JSON (null for no result).</summary>
internal sealed record FunctionRunResult(string AppId, string FunctionCallId, string? ResultJson);
