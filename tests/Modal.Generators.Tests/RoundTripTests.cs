using MessagePack;
using Modal.Dispatch;
using Modal.Generators.Tests.RoundTrip;

namespace Modal.Generators.Tests;

/// <summary>Runs the code the generator emitted for <see cref="RoundTripApp"/>: formatters, invokers and handles.</summary>
public sealed class RoundTripTests
{
    private const string KeyPrefix = "Modal.Generators.Tests.RoundTrip.RoundTripApp.";
    private static readonly MessagePackSerializerOptions Options = ModalSerializer.Options;

    private static readonly Customer SampleCustomer = new("Ada", 36, new Address("London", null), [new Address("Paris", "Rue de Rivoli"), new Address("Rome", null)])
    {
        Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        Since = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc),
    };

    [Fact]
    public void PrimitivesStringsAndBytesRoundTrip()
    {
        Assert.Equal(42, RoundTrip(42));
        Assert.Equal("héllo", RoundTrip("héllo"));
        Assert.Equal(new byte[] { 1, 2, 3 }, RoundTrip(new byte[] { 1, 2, 3 }));
        Assert.Equal(12.5m, RoundTrip(12.5m));
    }

    [Fact]
    public void EnumsNullablesAndTuplesRoundTrip()
    {
        Assert.Equal(Color.Blue, RoundTrip(Color.Blue));
        Assert.Equal((Color?)null, RoundTrip<Color?>(null));
        Assert.Equal((Color?)Color.Green, RoundTrip<Color?>(Color.Green));
        Assert.Equal((3, "x"), RoundTrip((3, "x")));
        Assert.Equal((1, 2L, "c"), RoundTrip<(int, long, string)?>((1, 2L, "c")));
    }

    [Fact]
    public void CollectionsRoundTrip()
    {
        Assert.Equal([3, 2, 1], RoundTrip(new[] { 3, 2, 1 }));
        var grid = new[,] { { 1, 2 }, { 3, 4 } };
        Assert.Equal(grid, RoundTrip(grid));
        Assert.Equal(["a", "b"], RoundTrip(new List<string> { "a", "b" }));
        Assert.Equal(["a", null], RoundTrip<IList<string?>>(new List<string?> { "a", null }));
        Assert.Equal([0.5, 1.5], RoundTrip<IReadOnlyList<double>>([0.5, 1.5]));
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1 }, RoundTrip(new Dictionary<string, int> { ["a"] = 1 }));
        Assert.Equal(new Dictionary<int, string> { [2] = "b" }, RoundTrip<IDictionary<int, string>>(new Dictionary<int, string> { [2] = "b" }));
        var shapes = RoundTrip<IReadOnlyDictionary<string, List<Point>>>(new Dictionary<string, List<Point>> { ["line"] = [new Point(1, 2), new Point(3, 4)] });
        Assert.Equal([1, 3], shapes["line"].Select(p => p.X));
        Assert.Equal([2, 4], shapes["line"].Select(p => p.Y));
    }

    [Fact]
    public void RecordsClassesStructsAndNestedTypesRoundTrip()
    {
        Assert.True(SampleCustomer.Equivalent(RoundTrip(SampleCustomer)));
        Assert.Null(RoundTrip<Customer?>(null));

        var settings = RoundTrip(new Settings { Name = "s", Budget = 9.99m, Tags = ["a", "b"], Flags = new() { [Color.Red] = true }, Retries = 3 });
        Assert.Equal("s", settings.Name);
        Assert.Equal(9.99m, settings.Budget);
        Assert.Equal(["a", "b"], settings.Tags.Order());
        Assert.True(settings.Flags[Color.Red]);
        Assert.Equal(3, settings.Retries);

        var node = RoundTrip(new Node { Value = 1, Next = new Node { Value = 2, Next = new Node { Value = 3 } } });
        Assert.Equal(3, node.Next!.Next!.Value);
        Assert.Null(node.Next.Next.Next);

        var stamp = new Stamp(DateTimeOffset.Parse("2024-05-06T07:08:09+02:00", System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(90), 'z', ulong.MaxValue);
        Assert.Equal(stamp, RoundTrip(stamp));
    }

    [Fact]
    public void ObjectsTravelAsArraysInDeclarationOrder()
    {
        var bytes = MessagePackSerializer.Serialize(new Address("Oslo", "Main St"), Options);

        Assert.Equal("[\"Oslo\",\"Main St\"]", MessagePackSerializer.ConvertToJson(bytes, Options));
    }

    [Fact]
    public void ADeeplyNestedPayloadIsRefused()
    {
        var node = new Node();
        for (var i = 0; i < 600; i++)
        {
            node = new Node { Value = i, Next = node };
        }

        var bytes = MessagePackSerializer.Serialize(node, Options);

        Assert.ThrowsAny<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<Node>(bytes, Options));
    }

    [Fact]
    public async Task InvokersCallTheUserMethods()
    {
        Assert.Equal(49, await Invoke<ModalArgs<int>, int>("Square", new(7)));
        Assert.Equal("a+b", await Invoke<ModalArgs<string, string, string>, string>("Concat", new("a", "b", "+")));
        Assert.Equal(new byte[] { 3, 2, 1 }, await Invoke<ModalArgs<byte[]>, byte[]>("Bytes", new([1, 2, 3])));
        Assert.Equal(Color.Green, await Invoke<ModalArgs<Color, Color?>, Color>("Paint", new(Color.Red, Color.Green)));
        Assert.Null(await Invoke<ModalArgs<int?>, int?>("MaybeDouble", new(null)));
        Assert.Equal(8, await Invoke<ModalArgs<int?>, int?>("MaybeDouble", new(4)));
        Assert.Equal((5, "xc"), await Invoke<ModalArgs<(int, string), (int A, long B, string C)?>, (int, string)>("Describe", new((2, "x"), (3, 4L, "c"))));
        Assert.Equal(new[] { 3, 2, 1, 4 }, await Invoke<ModalArgs<int[], int[,]>, int[]>("Reverse", new([1, 2, 3], new int[2, 2])));
        Assert.Equal(["A", "B", "NULL", "1.5"], await Invoke<ModalArgs<List<string>, IList<string?>, IReadOnlyList<double>>, List<string>>("Upper", new(["a"], ["b", null], [1.0, 0.5])));
        var counts = await Invoke<ModalArgs<Dictionary<string, int>, IDictionary<int, string>, IReadOnlyDictionary<string, List<Point>>>, Dictionary<string, int>>("Counts", new(new() { ["a"] = 1 }, new Dictionary<int, string> { [2] = "b" }, new Dictionary<string, List<Point>> { ["c"] = [new Point(0, 0)] }));
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 1 }, counts);
        Assert.True(SampleCustomer.Equivalent(await Invoke<ModalArgs<Customer>, Customer>("Echo", new(SampleCustomer))));
        Assert.Equal(7, (await Invoke<ModalArgs<Node>, Node>("Chain", new(new Node { Value = 7 }))).Value);
    }

    [Fact]
    public async Task AsyncInvokersAwaitAndPassTheCancellationToken()
    {
        var order = new Order("o-1", [new OrderLine("a", 2, 1.5m), new OrderLine("b", 1, 4m)], 0);
        var processed = await Invoke<ModalArgs<Order>, Order>("ProcessAsync", new(order));
        Assert.Equal(7m, processed.Total);
        Assert.Equal("o-1", processed.Id);

        var stamp = new Stamp(DateTimeOffset.UnixEpoch, TimeSpan.Zero, 'a', 1);
        Assert.Equal(stamp, await Invoke<ModalArgs<Stamp>, Stamp>("StampAsync", new(stamp)));

        Assert.Equal(Nil.Default, await Invoke<ModalArgs<int>, Nil>("WaitAsync", new(1)));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Invoke<ModalArgs<int>, Nil>("WaitAsync", new(10_000), cancelled.Token));
    }

    [Fact]
    public async Task VoidGeneratorAndBatchedFunctionsHaveResults()
    {
        var before = Volatile.Read(ref RoundTripApp.Pings);
        Assert.Equal(Nil.Default, await Invoke<ModalArgs, Nil>("Ping", ModalArgs.Empty));
        Assert.Equal(before + 1, Volatile.Read(ref RoundTripApp.Pings));

        // A generator streams: each item is serialized as it is yielded.
        Assert.True(RoundTripApp.ModalRegistry.Instance.TryGetInvoker(KeyPrefix + "CountTo", out var generator));
        Assert.True(generator.IsGenerator);
        var context = new InvocationContext("in-test", "fc-test", 0, Options, CancellationToken.None);
        var items = new List<int>();
        await foreach (var item in generator.InvokeStreamAsync(MessagePackSerializer.Serialize(new ModalArgs<int>(3), Options), context))
        {
            items.Add(MessagePackSerializer.Deserialize<int>(item, Options));
        }

        Assert.Equal([1, 2, 3], items);
        await Assert.ThrowsAsync<NotSupportedException>(() => generator.InvokeAsync(MessagePackSerializer.Serialize(new ModalArgs<int>(3), Options), context).AsTask());

        // A batched function takes lists; its invoker runs one input as a batch of one, or a whole batch at once.
        Assert.Equal(11, await Invoke<ModalArgs<int, int>, int>("Double", new(5, 1)));
        Assert.True(RoundTripApp.ModalRegistry.Instance.TryGetInvoker(KeyPrefix + "Double", out var batched));
        Assert.True(batched.IsBatched);
        var batch = await batched.InvokeBatchAsync(
            [MessagePackSerializer.Serialize(new ModalArgs<int, int>(1, 0), Options), MessagePackSerializer.Serialize(new ModalArgs<int, int>(2, 10), Options)],
            context);
        Assert.Equal([2, 14], batch.Select(b => MessagePackSerializer.Deserialize<int>(b, Options)));
    }

    [Fact]
    public async Task UserExceptionsPropagateUnchanged()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Invoke<ModalArgs<string>, Nil>("fail-loudly", new("boom")));
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public void TheRegistryKnowsEveryFunctionAndNothingElse()
    {
        var registry = RoundTripApp.ModalRegistry.Instance;
        Assert.False(registry.TryGetInvoker("nope", out _));
        Assert.True(registry.TryGetInvoker(KeyPrefix + "CountTo", out var invoker));
        Assert.True(invoker.IsAsync);
        Assert.Equal(KeyPrefix + "CountTo", invoker.EntryKey);
        Assert.True(registry.TryGetInvoker(KeyPrefix + "Square", out invoker));
        Assert.False(invoker.IsAsync);
        Assert.Same(RoundTripApp.ModalFormatterResolver.Instance, registry.Resolver);

        var attribute = (ModalRegistryAttribute)Attribute.GetCustomAttribute(typeof(RoundTripApp).Assembly, typeof(ModalRegistryAttribute))!;
        Assert.Equal(typeof(RoundTripApp.ModalRegistry), attribute.RegistryType);
    }

    [Fact]
    public async Task HandlesKeepParameterNamesAndCallLocally()
    {
        Assert.Equal(9, RoundTripApp.Functions.Square.Local(3));
        Assert.Equal("a-b", RoundTripApp.Functions.Concat.Local("a", "b"));
        Assert.Equal(7m, (await RoundTripApp.Functions.ProcessAsync.LocalAsync(new Order("o", [new OrderLine("x", 7, 1m)], 0), CancellationToken.None)).Total);
        Assert.Equal("fail-loudly", RoundTripApp.Functions.Fail.FunctionName);
        Assert.Equal("roundtrip", RoundTripApp.Functions.Fail.AppName);

        var remote = typeof(RoundTripApp.Functions.ConcatHandle).GetMethod("RemoteAsync")!;
        Assert.Equal(["a", "b", "separator", "cancellationToken"], remote.GetParameters().Select(p => p.Name));
        Assert.Equal("-", remote.GetParameters()[2].DefaultValue);

        var starmap = typeof(RoundTripApp.Functions.ConcatHandle).GetMethod("StarmapAsync")!;
        Assert.Equal(typeof(IEnumerable<(string, string, string)>), starmap.GetParameters()[0].ParameterType);

        var map = typeof(RoundTripApp.Functions.SquareHandle).GetMethods().Where(m => m.Name == "MapAsync").ToList();
        Assert.Equal(3, map.Count);
        Assert.Contains(map, m => m.ReturnType == typeof(IAsyncEnumerable<FunctionResult<int>>) && m.GetParameters()[1].Name == "returnExceptions");
        Assert.Equal(typeof(Task<FunctionCall<int>>), typeof(RoundTripApp.Functions.SquareHandle).GetMethod("SpawnAsync")!.ReturnType);
        Assert.Equal(typeof(Task), typeof(RoundTripApp.Functions.PingHandle).GetMethod("RemoteAsync")!.ReturnType);
        Assert.Null(typeof(RoundTripApp.Functions.PingHandle).GetMethod("MapAsync"));

        // Batched functions are called with single items.
        Assert.Equal([typeof(int), typeof(int), typeof(CancellationToken)], typeof(RoundTripApp.Functions.DoubleHandle).GetMethod("RemoteAsync")!.GetParameters().Select(p => p.ParameterType));
    }

    [Fact]
    public async Task FunctionsOfOneShapeShareAHandleClassThatKeepsTheirNamesAndLocalMethods()
    {
        // Ping, Hourly and Periodic all read `void X()`: one class serves them, each instance with its own names.
        Assert.Same(RoundTripApp.Functions.Ping.GetType(), RoundTripApp.Functions.Hourly.GetType());
        Assert.Same(RoundTripApp.Functions.Ping.GetType(), RoundTripApp.Functions.Periodic.GetType());
        Assert.Equal(["Ping", "Hourly", "Periodic"], new[] { RoundTripApp.Functions.Ping.FunctionName, RoundTripApp.Functions.Hourly.FunctionName, RoundTripApp.Functions.Periodic.FunctionName });
        Assert.Equal("roundtrip", RoundTripApp.Functions.Periodic.AppName);

        var before = Volatile.Read(ref RoundTripApp.Pings);
        RoundTripApp.Functions.Hourly.Local();
        Assert.Equal(before, Volatile.Read(ref RoundTripApp.Pings));
        RoundTripApp.Functions.Ping.Local();
        Assert.Equal(before + 1, Volatile.Read(ref RoundTripApp.Pings));

        // Their invokers come from the shared class too, each bound to its own method.
        Assert.Equal(Nil.Default, await Invoke<ModalArgs, Nil>("Periodic", ModalArgs.Empty));
        Assert.Equal(before + 1, Volatile.Read(ref RoundTripApp.Pings));
        Assert.Equal(Nil.Default, await Invoke<ModalArgs, Nil>("Ping", ModalArgs.Empty));
        Assert.Equal(before + 2, Volatile.Read(ref RoundTripApp.Pings));

        // A shape used once keeps a class of its own.
        Assert.NotSame(RoundTripApp.Functions.Square.GetType(), RoundTripApp.Functions.MaybeDouble.GetType());
    }

    private static T RoundTrip<T>(T value) =>
        MessagePackSerializer.Deserialize<T>(MessagePackSerializer.Serialize(value, Options), Options);

    private static async Task<TResult> Invoke<TArgs, TResult>(string function, TArgs args, CancellationToken cancellationToken = default)
    {
        Assert.True(RoundTripApp.ModalRegistry.Instance.TryGetInvoker(KeyPrefix + function, out var invoker), $"no invoker for {function}");
        var context = new InvocationContext("in-test", "fc-test", 0, Options, cancellationToken);
        var result = await invoker.InvokeAsync(MessagePackSerializer.Serialize(args, Options), context);
        return MessagePackSerializer.Deserialize<TResult>(result, Options);
    }
}
