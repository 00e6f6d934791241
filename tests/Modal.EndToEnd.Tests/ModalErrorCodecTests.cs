using Grpc.Core;

namespace Modal.EndToEnd.Tests;

/// <summary>The wire form of typed errors, which the control plane and the client must agree on.</summary>
public sealed class ModalErrorCodecTests
{
    public static TheoryData<ModalException> TypedErrors() =>
    [
        new InvalidError("bad setting"),
        new NotFoundError("no such call"),
        new AuthError("bad token"),
        new FunctionTimeoutError("too slow"),
        new OutputExpiredError("gone"),
        new ResourceExhaustedError("queue full"),
    ];

    [Theory]
    [MemberData(nameof(TypedErrors))]
    public void A_typed_error_crosses_the_wire_as_itself(ModalException error)
    {
        var wire = ModalErrorCodec.ToRpcException(error);
        Assert.Equal(error.GetType().Name, wire.Trailers.GetValue(ModalErrorCodec.TrailerKey));

        var back = ModalErrorCodec.FromRpcException(wire);

        Assert.IsType(error.GetType(), back);
        Assert.Equal(error.Message, back.Message);
    }

    [Fact]
    public void An_unknown_failure_keeps_the_status_detail()
    {
        var back = ModalErrorCodec.FromRpcException(new RpcException(new Status(StatusCode.Internal, "disk full")));

        Assert.Equal(typeof(ModalException), back.GetType());
        Assert.Contains("disk full", back.Message);
    }

    [Fact]
    public void A_refusal_without_the_trailer_is_still_resource_exhausted()
    {
        Assert.IsType<ResourceExhaustedError>(ModalErrorCodec.FromRpcException(new RpcException(new Status(StatusCode.ResourceExhausted, "full"))));
    }

    [Fact]
    public void A_call_cancelled_by_the_caller_is_an_ordinary_cancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var back = ModalErrorCodec.FromRpcException(new RpcException(new Status(StatusCode.Cancelled, "cancelled")), cts.Token);

        Assert.IsType<OperationCanceledException>(back);
    }
}
