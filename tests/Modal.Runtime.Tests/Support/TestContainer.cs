using Google.Protobuf;
using Grpc.Core;
using Modal.Backends;
using Modal.Protocol;

namespace Modal.Runtime.Tests.Support;

/// <summary>The test playing a container over the real ContainerApi, with the task id and token the backend was given.</summary>
public sealed class TestContainer : IAsyncDisposable
{
    private readonly ContainerApi.ContainerApiClient _api;

    private TestContainer(ContainerApi.ContainerApiClient api, ContainerSpec spec, ContainerHelloResponse hello, AsyncDuplexStreamingCall<ContainerGetInputsRequest, ContainerGetInputsResponse> stream)
    {
        _api = api;
        Spec = spec;
        Hello = hello;
        Stream = stream;
    }

    public ContainerSpec Spec { get; }

    public ContainerHelloResponse Hello { get; }

    public AsyncDuplexStreamingCall<ContainerGetInputsRequest, ContainerGetInputsResponse> Stream { get; }

    public Metadata Headers => HeadersFor(Spec);

    public static Metadata HeadersFor(ContainerSpec spec) => new()
    {
        { "x-modal-task-id", spec.Environment["MODAL_TASK_ID"] },
        { "x-modal-task-token", spec.Environment["MODAL_TASK_TOKEN"] },
    };

    public static async Task<TestContainer> ConnectAsync(ContainerApi.ContainerApiClient api, ContainerSpec spec, int credits)
    {
        var headers = HeadersFor(spec);
        var hello = await api.ContainerHelloAsync(new ContainerHelloRequest { TaskId = spec.TaskId, Pid = 4242 }, headers);
        var stream = api.ContainerGetInputs(headers);
        var container = new TestContainer(api, spec, hello, stream);
        if (credits > 0)
        {
            await container.CreditAsync(credits);
        }

        return container;
    }

    public Task CreditAsync(int credits) =>
        Stream.RequestStream.WriteAsync(new ContainerGetInputsRequest { TaskId = Spec.TaskId, Credits = credits });

    /// <summary>The next message on the input stream (an input or a shutdown); null when the stream ended.</summary>
    public async Task<ContainerGetInputsResponse?> NextMessageAsync()
    {
        return await Stream.ResponseStream.MoveNext(TestControlPlane.Deadline) ? Stream.ResponseStream.Current : null;
    }

    public async Task<ContainerInput> NextInputAsync()
    {
        var message = await NextMessageAsync() ?? throw new InvalidOperationException("The input stream ended before an input arrived.");
        Assert.False(message.Shutdown, "expected an input, got a shutdown");
        return Assert.Single(message.Inputs);
    }

    public Task SucceedAsync(ContainerInput input, byte[] result) =>
        PutAsync(input, new FunctionResult { Status = ResultStatus.Success, Data = new Payload { Inline = ByteString.CopyFrom(result) } });

    public Task FailAsync(ContainerInput input, string message) =>
        PutAsync(input, new FunctionResult
        {
            Status = ResultStatus.Failure,
            Error = new RemoteError { Type = "System.InvalidOperationException", Message = message, StackTrace = "at TestApp.Square(Int32 x)" },
        });

    public async Task PutAsync(ContainerInput input, FunctionResult result) =>
        await _api.ContainerPutOutputsAsync(new ContainerPutOutputsRequest
        {
            TaskId = Spec.TaskId,
            Outputs = { new ContainerOutput { InputId = input.InputId, RetryCount = input.RetryCount, Result = result } },
        }, Headers);

    public async Task<ContainerHeartbeatResponse> HeartbeatAsync() =>
        await _api.ContainerHeartbeatAsync(new ContainerHeartbeatRequest { TaskId = Spec.TaskId }, Headers);

    /// <summary>Closes the input stream cleanly, as a draining worker does.</summary>
    public Task CloseAsync() => Stream.RequestStream.CompleteAsync();

    public ValueTask DisposeAsync()
    {
        Stream.Dispose();
        return ValueTask.CompletedTask;
    }
}
