using System.Reflection;
using Modal;
using Modal.Dispatch;

// A second client process for the end-to-end tests.
//   get <fc-id>          reads a spawned call through MODAL_SERVER_URL and prints "RESULT <value>"
//   batch-tag <tag>      calls the batched BatchTag through MODAL_SERVER_URL and prints "RESULT <value>"
//   cls <label> <by>     calls Counter(label).Increment(by) and Describe through Cls.FromName and MODAL_SERVER_URL
//   serve <state-dir>    runs the test app on an embedded control plane, starts a worker, prints "READY", and waits
//                        until it is killed or its stdin closes (so it never outlives the test that started it)
//   stubborn <state-dir> runs an entrypoint that ignores its cancellation token (a call, then a long wait) through
//                        ModalApp.RunEntrypointAsync, prints "RUNNING", and exits with its exit code
switch (args)
{
    case ["get", var callId]:
        try
        {
            var value = await FunctionCall.FromId<int>(callId).GetAsync(TimeSpan.FromSeconds(60));
            Console.WriteLine($"RESULT {value}");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine($"ERROR {ex.GetType().Name}: {ex.Message}");
            return 1;
        }

    case ["batch-tag", var tag]:
        // One caller of a batched function from another process: its input joins the test process's batch.
        Console.WriteLine("CALLING");
        try
        {
            Console.WriteLine($"RESULT {await Modal.TestApp.TestApp.Functions.BatchTag.RemoteAsync(tag)}");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine($"ERROR {ex.GetType().Name}: {ex.Message}");
            return 1;
        }

    case ["cls", var label, var by]:
        // Cls.FromName from a process that does not run the app: the lookup goes to MODAL_SERVER_URL.
        try
        {
            var counter = Cls.FromName<Modal.TestApp.TestApp.Classes.CounterCls>("testapp", "Counter").With(label: label);
            Console.WriteLine($"RESULT {await counter.Increment.RemoteAsync(int.Parse(by, System.Globalization.CultureInfo.InvariantCulture))}");
            Console.WriteLine($"DESCRIBE {await counter.DescribeAsync.RemoteAsync()}");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine($"ERROR {ex.GetType().Name}: {ex.Message}");
            return 1;
        }

    case ["serve", var stateDirectory]:
        var attribute = typeof(Modal.TestApp.TestApp).Assembly.GetCustomAttribute<ModalRegistryAttribute>()!;
        var registry = (IModalRegistry)Activator.CreateInstance(attribute.RegistryType, nonPublic: true)!;
        await using (var run = await ModalApp.RunAsync(registry, new ModalOptions { StateDirectory = stateDirectory }))
        {
            var result = await Modal.TestApp.TestApp.Functions.Square.RemoteAsync(5);
            Console.WriteLine($"READY {result}");
            await Console.In.ReadToEndAsync();
        }

        return 0;

    case ["stubborn", var stateDirectory]:
        var stubbornAttribute = typeof(Modal.TestApp.TestApp).Assembly.GetCustomAttribute<ModalRegistryAttribute>()!;
        var stubbornRegistry = (IModalRegistry)Activator.CreateInstance(stubbornAttribute.RegistryType, nonPublic: true)!;
        return await ModalApp.RunEntrypointAsync(
            stubbornRegistry,
            async _ =>
            {
                await Modal.TestApp.TestApp.Functions.Square.RemoteAsync(6);
                Console.WriteLine("RUNNING");
                await Task.Delay(TimeSpan.FromMinutes(5));
            },
            new ModalOptions { StateDirectory = stateDirectory });

    default:
        Console.Error.WriteLine("usage: Modal.EndToEnd.Helper get <fc-id> | batch-tag <tag> | cls <label> <by> | serve <state-dir> | stubborn <state-dir>");
        return 2;
}
