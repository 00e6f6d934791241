using System.Runtime.CompilerServices;
using Grpc.Core;
using Modal.Protocol;

namespace Modal;

/// <summary>
/// Reads a call's outputs from FunctionGetOutputs. The server streams from a cursor, so when the stream breaks or ends
/// before the call is complete, reading resumes from the last cursor seen and nothing is lost or repeated by the server
/// (repeats that do happen are removed by the caller's (idx, retry_count) de-duplication).
/// </summary>
internal static class OutputReader
{
    private const int MaxConsecutiveFailures = 8;

    public static async IAsyncEnumerable<FunctionGetOutputsResponse> ReadAsync(
        ModalClient client,
        string functionCallId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long cursor = 0;
        var failures = 0;
        var emptyStreams = 0;
        while (true)
        {
            var received = false;
            RpcException? broken = null;
            using (var call = client.Api.FunctionGetOutputs(
                new FunctionGetOutputsRequest { FunctionCallId = functionCallId, LastEntryId = cursor },
                client.Options(cancellationToken)))
            {
                while (true)
                {
                    bool moved;
                    try
                    {
                        moved = await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
                    }
                    catch (RpcException ex) when (IsTransient(ex, cancellationToken) && failures < MaxConsecutiveFailures)
                    {
                        broken = ex;
                        break;
                    }
                    catch (RpcException ex)
                    {
                        throw client.Map(ex, cancellationToken);
                    }

                    if (!moved)
                    {
                        break;
                    }

                    received = true;
                    failures = 0;
                    var response = call.ResponseStream.Current;
                    if (response.LastEntryId > cursor)
                    {
                        cursor = response.LastEntryId;
                    }

                    yield return response;
                    if (response.CallComplete)
                    {
                        yield break;
                    }
                }
            }

            if (broken is not null)
            {
                failures++;
                await Task.Delay(Backoff(failures), cancellationToken).ConfigureAwait(false);
            }
            else if (!received && ++emptyStreams > 1)
            {
                // A server that closes idle streams at once would otherwise be polled in a tight loop.
                await Task.Delay(Backoff(Math.Min(emptyStreams, 6)), cancellationToken).ConfigureAwait(false);
            }
            else if (received)
            {
                emptyStreams = 0;
            }
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(1000, 10 * (1 << Math.Min(attempt, 10))));

    private static bool IsTransient(RpcException exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested &&
        exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Aborted &&
        string.IsNullOrEmpty(exception.Trailers.GetValue(ModalErrorCodec.TrailerKey));
}
