using Google.Protobuf;
using Modal.ControlPlane;
using Modal.Manifest;
using Modal.Protocol;
using Modal.Scheduling;

namespace Modal.Runtime.Tests.Support;

/// <summary>Builds scheduling objects for unit tests that drive a <see cref="FunctionRuntime"/> directly.</summary>
internal static class Sched
{
    public static readonly Payload Args = new() { Inline = ByteString.CopyFromUtf8("args") };

    public static FunctionRuntime Function(FunctionManifest? manifest = null, int defaultMaxContainers = 4)
    {
        var app = new RunningApp("ap-test", "test-app", AppState.Ephemeral, "main", "/tmp", "TestApp.dll", "{}", 0);
        var options = new ControlPlaneOptions { StateDirectory = "unused", DefaultMaxContainers = defaultMaxContainers };
        return new FunctionRuntime("fu-test", app, manifest ?? Manifests.Function(), options);
    }

    public static FunctionCallState Call(FunctionRuntime function, bool spawned = false) =>
        new(IdGenerator.New("fc"), function, FunctionCallType.Map,
            spawned ? FunctionCallInvocationType.Async : FunctionCallInvocationType.Sync, 0);

    public static List<InputRecord> Records(FunctionCallState call, int count, int firstIdx = 0) =>
        Enumerable.Range(firstIdx, count).Select(i => new InputRecord(IdGenerator.New("in"), call, i, Args)).ToList();

    /// <summary>Reserves room for and queues <paramref name="count"/> inputs of a new call, as FunctionMap does.</summary>
    public static List<InputRecord> Enqueue(FunctionRuntime function, int count, bool spawned = false, long nowMs = 0, SchedulingEffects? effects = null)
    {
        var call = Call(function, spawned);
        var records = Records(call, count);
        function.Reserve(count, spawned);
        call.AddInputs(records, inputsComplete: true, nowMs);
        function.EnqueueReserved(records, nowMs, effects ?? new SchedulingEffects());
        return records;
    }

    /// <summary>A container that said hello and opened its stream with <paramref name="credits"/> credits.</summary>
    public static (ContainerTask Container, System.Threading.Channels.Channel<ContainerGetInputsResponse> Outbound) Connect(
        FunctionRuntime function, ContainerTask container, int credits, long nowMs = 0)
    {
        function.Hello(container, 1, nowMs);
        var outbound = function.OpenStream(container, nowMs);
        if (credits > 0)
        {
            function.AddCredits(container, credits, nowMs, new SchedulingEffects());
        }

        return (container, outbound);
    }

    /// <summary>Everything written to a container's stream so far.</summary>
    public static List<ContainerGetInputsResponse> Drain(System.Threading.Channels.Channel<ContainerGetInputsResponse> outbound)
    {
        var messages = new List<ContainerGetInputsResponse>();
        while (outbound.Reader.TryRead(out var message))
        {
            messages.Add(message);
        }

        return messages;
    }

    public static ContainerOutput Output(ContainerInput input, ResultStatus status) => new()
    {
        InputId = input.InputId,
        RetryCount = input.RetryCount,
        Result = new FunctionResult { Status = status },
    };
}
