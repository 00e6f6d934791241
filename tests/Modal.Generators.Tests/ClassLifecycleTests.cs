using MessagePack;
using Modal.Dispatch;
using Modal.Generators.Tests.RoundTrip;
using Modal.Manifest;

namespace Modal.Generators.Tests;

/// <summary>Runs the lifecycle and handles the generator emitted for <see cref="RoundTripModel"/>.</summary>
public sealed class ClassLifecycleTests
{
    private const string ClassKey = "Modal.Generators.Tests.RoundTrip.RoundTripModel";
    private static readonly MessagePackSerializerOptions Options = ModalSerializer.Options;

    [Fact]
    public async Task The_lifecycle_binds_parameters_runs_hooks_in_order_and_dispatches_methods_on_the_instance()
    {
        IModalRegistry registry = RoundTripApp.ModalRegistry.Instance;
        Assert.True(registry.TryGetClass(ClassKey, out var lifecycle));
        Assert.False(registry.TryGetClass("Nope", out _));
        Assert.Equal(["Predict", "DescribeAsync"], lifecycle.MethodNames);

        var parameters = MessagePackSerializer.Serialize(new RoundTripApp.ModalArgs.RoundTripModelParams("v2", 3, Color.Green), Options);
        var model = Assert.IsType<RoundTripModel>(lifecycle.CreateInstance(parameters, Options));
        await lifecycle.EnterAsync(model, CancellationToken.None);
        Assert.Equal(["load", "warm"], model.Events);

        Assert.True(lifecycle.TryGetMethod("Predict", out var predict));
        Assert.False(predict.IsAsync);
        var context = new InvocationContext("in-1", "fc-1", 0, Options, CancellationToken.None) { Instance = model };
        var result = await predict.InvokeAsync(MessagePackSerializer.Serialize(new ModalArgs<int>(5), Options), context);
        Assert.Equal(15, MessagePackSerializer.Deserialize<int>(result, Options));

        Assert.True(lifecycle.TryGetMethod("DescribeAsync", out var describe));
        var described = await describe.InvokeAsync(MessagePackSerializer.Serialize(ModalArgs.Empty, Options), context);
        Assert.Equal("v2:3:Green", MessagePackSerializer.Deserialize<string>(described, Options));
        Assert.False(lifecycle.TryGetMethod("Missing", out _));

        await lifecycle.ExitAsync(model, CancellationToken.None);
        Assert.Equal(["load", "warm", "unload"], model.Events);
    }

    [Fact]
    public void Empty_parameters_keep_every_default()
    {
        Assert.True(((IModalRegistry)RoundTripApp.ModalRegistry.Instance).TryGetClass(ClassKey, out var lifecycle));

        var model = Assert.IsType<RoundTripModel>(lifecycle.CreateInstance(ReadOnlyMemory<byte>.Empty, Options));

        Assert.Equal(("v1", 2, Color.Blue), (model.Version, model.Scale, model.Tint));
    }

    [Fact]
    public void The_handle_binds_parameter_values_with_the_members_defaults_and_names_its_methods()
    {
        var instance = RoundTripApp.Classes.RoundTripModel.With(scale: 4);

        Assert.Equal("RoundTripModel.Predict", instance.Predict.FunctionName);
        Assert.Equal("roundtrip", instance.Predict.AppName);
        var with = typeof(RoundTripApp.Classes.RoundTripModelCls).GetMethod("With")!;
        Assert.Equal(["version", "scale", "tint"], with.GetParameters().Select(p => p.Name));
        Assert.Equal("v1", with.GetParameters()[0].DefaultValue);

        var other = Cls.FromName<RoundTripApp.Classes.RoundTripModelCls>("other-app", "Renamed");
        Assert.Equal(("other-app", "Renamed"), (other.AppName, other.ClassName));
        Assert.Equal("Renamed.Predict", other.With().Predict.FunctionName);
    }

    [Fact]
    public void The_class_is_one_manifest_entry_of_kind_class_with_the_class_settings()
    {
        var manifest = AppManifest.Parse(RoundTripApp.ModalRegistry.ManifestJsonConstant);

        var entry = manifest.Functions.Single(f => f.Name == "RoundTripModel");
        Assert.Equal("class", entry.Kind);
        Assert.Equal(ClassKey, entry.EntryKey);
        Assert.Equal(["Version", "Scale", "Tint"], entry.Parameters.Select(p => p.Name));
        Assert.Equal(30, entry.TimeoutSeconds);
        Assert.Equal(3, entry.Autoscaler?.MaxContainers);
        Assert.Equal(new ConcurrencyManifest { MaxInputs = 2 }, entry.Concurrency);
        Assert.False(entry.IsAsync);
    }
}
