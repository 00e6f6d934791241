using System.Text;
using Modal;
using Modal.Dispatch;
using Modal.Worker;
using Modal.Worker.Web;

// The container entrypoint. Kept free of hosting and DI: a cold start is paid on every scale-up, so the worker does
// only what a call needs: say hello, load the app, and pull inputs.
if (args is [BuildFunctionRunner.Switch])
{
    // An image build's RunFunction step: run one function and exit, with no control plane (see BuildFunctionRunner).
    // Environment.Exit, as below: threads the function started must not keep the build container alive.
    Environment.Exit(await BuildFunctionRunner.RunAsync(Console.In));
}

WorkerOptions options;
try
{
    options = WorkerOptions.FromEnvironment();
}
catch (InvalidError ex)
{
    await Console.Error.WriteLineAsync($"[modal-worker] {ex.Message}");
    return 2;
}

var log = new WorkerLog(options.TaskId, options.Verbose);
log.Milestone("main");
ContainerWorker? running = null;
if (options.WatchStdin)
{
    ParentWatcher.Start(log, () =>
    {
        if (Volatile.Read(ref running) is not { } worker)
        {
            return false;
        }

        worker.RequestDrain("stdin closed");
        return true;
    });
}

int exitCode;
try
{
    using var client = new ContainerClient(options);

    // Cold starts are mostly JIT: initialize the serializer (MessagePack's resolvers are large) on another core while
    // the hello round trip is in flight.
    var warmSerializer = Task.Run(() => ModalSerializer.Options);
    var hello = await client.HelloAsync(CancellationToken.None);
    await warmSerializer;
    log.Milestone("hello");

    ServedFunction? served = null;
    Exception? initError = null;
    System.Reflection.Assembly? appAssembly = null;
    try
    {
        var registry = AppLoader.Load(hello.ArtifactDir, hello.AssemblyFile);
        appAssembly = registry.GetType().Assembly;
        served = ServedFunction.Resolve(registry, hello);
    }
    catch (Exception ex)
    {
        // Reported as INIT_FAILURE on the inputs this container receives, so the caller sees why instead of a timeout.
        initError = ex;
        log.Error($"could not load function '{hello.FunctionName}' from {Path.Combine(hello.ArtifactDir, hello.AssemblyFile)}: {ex.Message}");
    }

    log.Milestone("app loaded");
    var encoding = new UTF8Encoding(false);
    var stdout = new PrefixedConsoleWriter(new StreamWriter(Console.OpenStandardOutput(), encoding), 0, hello.FunctionName);
    var stderr = new PrefixedConsoleWriter(new StreamWriter(Console.OpenStandardError(), encoding), 1, hello.FunctionName);
    Console.SetOut(stdout);
    Console.SetError(stderr);

    if (served is { IsClass: true } && initError is null)
    {
        // Before the input stream opens: the control plane counts [Enter] in the container's startup time.
        try
        {
            await served.EnterAsync(hello.ClassParameters.Memory, CancellationToken.None);
            log.Milestone("entered");
        }
        catch (Exception ex)
        {
            initError = ex;
            log.Error($"an [Enter] hook of class '{hello.FunctionName}' raised {ex.GetType().FullName}: {ex.Message}");
        }
    }

    // A web function's server comes up before the input loop (which still serves RemoteAsync calls), so the gateway can
    // forward requests as soon as the container reports it ready. A server that cannot start fails the container.
    IWebFunctionHost? web = null;
    var webFailed = false;
    if (served is not null && initError is null)
    {
        try
        {
            web = await WebStartup.StartAsync(client, hello, appAssembly!, log, stdout, stderr, CancellationToken.None);
        }
        catch (Exception ex)
        {
            webFailed = true;
            log.Error($"the web server of '{hello.FunctionName}' did not start: {ex.Message}");
        }
    }

    if (webFailed)
    {
        exitCode = 1;
    }
    else
    {
        var worker = new ContainerWorker(client, hello, served, initError, log, stdout, stderr);
        Volatile.Write(ref running, worker);
        log.Info($"serving '{hello.FunctionName}' with {worker.Slots} slot(s)");
        exitCode = await worker.RunAsync(CancellationToken.None);
    }

    if (web is not null)
    {
        await WebStartup.StopAsync(web, log);
    }

    if (served is not null && initError is null)
    {
        try
        {
            using var exitTimeout = new CancellationTokenSource(ExitHookTimeout);
            await served.ExitAsync(exitTimeout.Token);
        }
        catch (Exception ex)
        {
            log.Error($"an [Exit] hook of class '{hello.FunctionName}' raised {ex.GetType().FullName}: {ex.Message}");
        }
    }

    await Console.Out.FlushAsync();
    await Console.Error.FlushAsync();
}
catch (ModalException ex)
{
    log.Error(ex.Message);
    exitCode = 1;
}
finally
{
    // The GPU context holds CUDA contexts and device memory; the container's end is its end (after [Exit] hooks, which
    // may still use it). Environment.Exit below would skip finalizers, so it is disposed explicitly.
    try
    {
        Gpu.DisposeCurrent();
    }
    catch (Exception ex)
    {
        log.Error($"disposing the GPU context failed: {ex.Message}");
    }
}

// Environment.Exit rather than returning: threads the user's code started, or an input stuck past its timeout,
// must not keep the container alive.
Environment.Exit(exitCode);
return exitCode;

internal static partial class Program
{
    /// <summary>How long [Exit] hooks get; a stop by the backend ends the process sooner (see ParentWatcher).</summary>
    private static readonly TimeSpan ExitHookTimeout = TimeSpan.FromSeconds(10);
}
