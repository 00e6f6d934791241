using System.Text.Json;
using Modal.Dispatch;

namespace Modal.Worker;

/// <summary>
/// The worker's "run one function" mode (<c>Modal.Worker.dll --build-function</c>), for the image step
/// <c>RunFunction</c>: the image builder starts a container of the image built so far, writes the task to the worker's
/// stdin as one line of JSON, the worker runs the function once with no arguments, and the builder commits what it
/// changed on disk. There is no control plane to talk to: output goes to the container's stdout/stderr, which the
/// builder streams to the build log, and the exit code is the verdict. The task travels on stdin rather than in the
/// container's environment because Docker folds a container's environment into the image it commits, and the task
/// carries the function's secrets.
/// </summary>
internal static class BuildFunctionRunner
{
    /// <summary>The command-line switch that selects this mode.</summary>
    public const string Switch = "--build-function";

    /// <summary>The argument record of a function without parameters: an empty MessagePack array.</summary>
    private static readonly byte[] NoArguments = [0x90];

    /// <summary>Runs the function; 0 when it returned, 1 when it threw (its exception is on stderr), 2 when it could not be loaded.</summary>
    public static async Task<int> RunAsync(TextReader stdin)
    {
        string entryKey, name, artifactDir, assembly;
        try
        {
            var line = await stdin.ReadLineAsync().ConfigureAwait(false) ?? throw new InvalidError("stdin ended before the task");
            using var task = JsonDocument.Parse(line);
            var root = task.RootElement;
            entryKey = root.GetProperty("entryKey").GetString()!;
            name = root.GetProperty("name").GetString()!;
            artifactDir = root.GetProperty("artifactDir").GetString()!;
            assembly = root.GetProperty("assemblyFile").GetString()!;
            // The function reads its secrets as it would in its own container: from the environment.
            foreach (var variable in root.GetProperty("environment").EnumerateObject())
            {
                Environment.SetEnvironmentVariable(variable.Name, variable.Value.GetString());
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidError or KeyNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"[modal-build] {Switch} reads its task as one line of JSON on stdin, as the image builder writes it: {ex.Message}");
            return 2;
        }

        FunctionInvoker? invoker;
        try
        {
            var registry = AppLoader.Load(artifactDir, assembly);
            if (!registry.TryGetInvoker(entryKey, out invoker))
            {
                await Console.Error.WriteLineAsync(
                    $"[modal-build] {assembly} has no function with entry key '{entryKey}' ('{name}'). The build output changed since the image recipe was read; deploy again.");
                return 2;
            }
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"[modal-build] could not load '{name}' from {Path.Combine(artifactDir, assembly)}: {ex.Message}");
            return 2;
        }

        await Console.Error.WriteLineAsync($"[modal-build] running {name}");
        try
        {
            // The builder enforces the step's timeout by stopping the container; the token is for functions that take one.
            var context = new InvocationContext("in-build", "fc-build", 0, ModalSerializer.Options, CancellationToken.None);
            if (invoker.IsGenerator)
            {
                await foreach (var _ in invoker.InvokeStreamAsync(NoArguments, context).ConfigureAwait(false))
                {
                }
            }
            else
            {
                await invoker.InvokeAsync(NoArguments, context).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"[modal-build] {name} raised {ex.GetType().FullName}: {ex.Message}{Environment.NewLine}{ex.StackTrace}");
            return 1;
        }
        finally
        {
            await Console.Out.FlushAsync().ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync($"[modal-build] {name} finished");
        return 0;
    }
}
