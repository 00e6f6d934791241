using Google.Protobuf;
using Grpc.Core;
using Modal.Manifest;
using Modal.Protocol;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests;

/// <summary>[Cls] classes: one pool of containers per distinct set of parameter values.</summary>
public sealed class ClassPoolTests
{
    private static FunctionManifest Class(string name = "Model") => new()
    {
        Name = name,
        EntryKey = $"TestApp.{name}",
        Kind = "class",
        Parameters = [new ParameterManifest { Name = "Version", Type = "string", HasDefault = true }],
    };

    [Fact]
    public async Task Each_distinct_parameter_set_gets_its_own_pool_and_the_same_set_the_same_one()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Class());
        var classId = app.FunctionIds["Model"];

        var v1 = await BindAsync(plane, classId, [1, 2, 3]);
        var v2 = await BindAsync(plane, classId, [4, 5, 6]);
        var v1Again = await BindAsync(plane, classId, [1, 2, 3]);

        Assert.StartsWith("fu-", v1);
        Assert.NotEqual(classId, v1);
        Assert.NotEqual(v1, v2);
        Assert.Equal(v1, v1Again);
    }

    [Fact]
    public async Task A_pools_containers_get_its_parameters_and_its_inputs_name_their_method()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Class());
        var pool = await BindAsync(plane, app.FunctionIds["Model"], [9, 8, 7]);

        var map = await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = pool,
            CallType = FunctionCallType.Unary,
            InvocationType = FunctionCallInvocationType.Sync,
            PipelinedInputs = { Inputs.Input(0) },
            InputsComplete = true,
            MethodName = "Predict",
        });

        await using var container = await plane.ConnectNextContainerAsync();
        Assert.Equal(pool, container.Hello.FunctionId);
        Assert.Equal("TestApp.Model", container.Hello.EntryKey);
        Assert.Equal(new byte[] { 9, 8, 7 }, container.Hello.ClassParameters.ToByteArray());
        var input = await container.NextInputAsync();
        Assert.Equal("Predict", input.MethodName);
        Assert.Equal(map.InputIds[0], input.InputId);
    }

    [Fact]
    public async Task The_class_itself_takes_no_calls_and_a_pool_takes_none_without_a_method()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Class(), Manifests.Function("Square"));
        var classId = app.FunctionIds["Model"];
        var pool = await BindAsync(plane, classId, [1]);

        var onClass = await Assert.ThrowsAsync<RpcException>(() => MapAsync(plane, classId, "Predict"));
        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(onClass));
        Assert.Contains("bind its parameters", onClass.Status.Detail);

        var noMethod = await Assert.ThrowsAsync<RpcException>(() => MapAsync(plane, pool, ""));
        Assert.Contains("must name the [Method]", noMethod.Status.Detail);

        var methodOnFunction = await Assert.ThrowsAsync<RpcException>(() => MapAsync(plane, app.FunctionIds["Square"], "Predict"));
        Assert.Contains("not a pool of a [Cls] class", methodOnFunction.Status.Detail);

        var bindFunction = await Assert.ThrowsAsync<RpcException>(() => BindAsync(plane, app.FunctionIds["Square"], [1]));
        Assert.Equal("InvalidError", TestControlPlane.ErrorClass(bindFunction));

        // The class is a template: it never starts containers of its own.
        Assert.Equal(0, plane.Host.Scheduler.GetFunctionById(classId).Counts().Containers);
    }

    [Fact]
    public async Task Stopping_the_app_stops_its_class_pools()
    {
        await using var plane = await TestControlPlane.StartAsync();
        var app = await plane.CreateAppAsync(Class() with { Autoscaler = new AutoscalerManifest { MinContainers = 1 } });
        var pool = await BindAsync(plane, app.FunctionIds["Model"], [1]);
        Assert.StartsWith("ta-", (await plane.Backend.NextStartAsync()).TaskId);

        await plane.Api.AppStopAsync(new AppStopRequest { AppId = app.AppId });

        Assert.True(plane.Host.Scheduler.GetFunctionById(pool).IsStopped);
    }

    private static async Task<string> BindAsync(TestControlPlane plane, string classId, byte[] parameters) =>
        (await plane.Api.FunctionBindParamsAsync(new FunctionBindParamsRequest { FunctionId = classId, SerializedParams = ByteString.CopyFrom(parameters) })).BoundFunctionId;

    private static async Task MapAsync(TestControlPlane plane, string functionId, string method) =>
        await plane.Api.FunctionMapAsync(new FunctionMapRequest
        {
            FunctionId = functionId,
            CallType = FunctionCallType.Unary,
            PipelinedInputs = { Inputs.Input(0) },
            InputsComplete = true,
            MethodName = method,
        });
}
