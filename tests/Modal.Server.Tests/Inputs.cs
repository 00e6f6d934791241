using Google.Protobuf;
using MessagePack;
using Modal.Protocol;

namespace Modal.Server.Tests;

/// <summary>Inputs of the test app's <c>Square(int x)</c> as the generated handle writes them: a MessagePack array of the arguments.</summary>
internal static class Inputs
{
    public static FunctionInput Square(int idx, int x) =>
        new() { Idx = idx, Args = new Payload { Inline = ByteString.CopyFrom(MessagePackSerializer.Serialize(new[] { x })) } };

    public static int ReadInt(FunctionResult result) =>
        result.Status == ResultStatus.Success
            ? MessagePackSerializer.Deserialize<int>(result.Data.Inline.Memory)
            : throw new Xunit.Sdk.XunitException($"The input failed: {result.Status} {result.Error?.Type}: {result.Error?.Message}");
}
