using System.Reflection;
using Modal;
using Modal.Dispatch;

// A second client process for the end-to-end tests.
//   get <fc-id>          reads a spawned call through MODAL_SERVER_URL and prints "RESULT <value>"
//   serve <state-dir>    runs the test app on an embedded control plane, starts a worker, prints "READY", and waits
//                        until it is killed or its stdin closes (so it never outlives the test that started it)
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

    default:
        Console.Error.WriteLine("usage: Modal.EndToEnd.Helper get <fc-id> | serve <state-dir>");
        return 2;
}
