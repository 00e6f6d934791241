using Modal.Protocol;

namespace Modal;

/// <summary>Waits for the single output of a remote or spawned call.</summary>
internal static class UnaryOutput
{
    // cancelOnAbandon: cancel the call on the server when the caller stops waiting (remote, not get).
    public static async Task<FunctionResult<T>> WaitAsync<T>(
        ModalClient client,
        string functionCallId,
        string? functionName,
        bool cancelOnAbandon,
        CancellationToken cancellationToken)
    {
        FunctionOutput? output = null;
        try
        {
            await foreach (var response in OutputReader.ReadAsync(client, functionCallId, cancellationToken).ConfigureAwait(false))
            {
                foreach (var candidate in response.Outputs)
                {
                    if (candidate.Idx == 0)
                    {
                        output = candidate;
                        break;
                    }
                }

                if (output is not null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancelOnAbandon && cancellationToken.IsCancellationRequested)
        {
            await client.TryCancelCallAsync(functionCallId).ConfigureAwait(false);
            throw;
        }

        if (output is null)
        {
            throw new ModalException(
                $"The outputs of call {functionCallId} ended without a result. The control plane may have stopped; call the function again.");
        }

        return await ResultDecoder.DecodeAsync<T>(output.Result, client, functionName, output.InputId, cancellationToken, output.RetryCount).ConfigureAwait(false);
    }
}
