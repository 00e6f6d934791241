using Google.Protobuf;
using Grpc.Core;
using Modal.Protocol;

namespace Modal.Runtime.Tests.Support;

/// <summary>Builds client-side inputs and reads outputs.</summary>
public static class Inputs
{
    public static FunctionInput Input(int idx) => new() { Idx = idx, Args = new Payload { Inline = ByteString.CopyFrom(BitConverter.GetBytes(idx)) } };

    public static IEnumerable<FunctionInput> Range(int start, int count) => Enumerable.Range(start, count).Select(Input);

    /// <summary>Reads a call's output stream until call_complete, returning every output.</summary>
    public static async Task<List<FunctionOutput>> ReadAllOutputsAsync(ModalApi.ModalApiClient api, string callId, long after = 0)
    {
        using var stream = api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = callId, LastEntryId = after }, cancellationToken: TestControlPlane.Deadline);
        var outputs = new List<FunctionOutput>();
        while (await stream.ResponseStream.MoveNext(CancellationToken.None))
        {
            outputs.AddRange(stream.ResponseStream.Current.Outputs);
            if (stream.ResponseStream.Current.CallComplete)
            {
                break;
            }
        }

        return outputs;
    }

    /// <summary>Reads a call's output stream until <paramref name="count"/> outputs arrived.</summary>
    public static async Task<List<FunctionOutput>> ReadOutputsAsync(ModalApi.ModalApiClient api, string callId, int count)
    {
        using var stream = api.FunctionGetOutputs(new FunctionGetOutputsRequest { FunctionCallId = callId }, cancellationToken: TestControlPlane.Deadline);
        var outputs = new List<FunctionOutput>();
        while (outputs.Count < count && await stream.ResponseStream.MoveNext(CancellationToken.None))
        {
            outputs.AddRange(stream.ResponseStream.Current.Outputs);
        }

        return outputs;
    }
}
