using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Modal.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal serve &lt;project|dll&gt; [--name N]</c>: deploys the app under a serve name (<c>APP-serve</c> by default, so
/// production is untouched), then rebuilds and redeploys whenever its files change, until Ctrl+C, which stops it.
/// </summary>
public sealed class ServeCommand : ModalCommand<ServeCommand.Settings>
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    public sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<target>")]
        [Description("The app's project folder, .csproj, or built .dll.")]
        public string Target { get; init; } = "";

        [CommandOption("--name")]
        [Description("Name of the served app (default: the app's name with -serve).")]
        public string? Name { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var connection = CliConnection.Open(settings.Environment);
        var target = Path.GetFullPath(settings.Target);
        // A project is watched for source changes and rebuilt; a built .dll is watched in its output folder.
        var watched = target.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || File.Exists(target) ? Path.GetDirectoryName(target)! : target;
        var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(watched) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        var watchesBuildOutput = target.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        FileSystemEventHandler onChange = (_, e) =>
        {
            // A project's own build writes bin/ and obj/; reacting to those would redeploy forever.
            var separator = Path.DirectorySeparatorChar;
            if (watchesBuildOutput || !(e.FullPath.Contains($"{separator}bin{separator}", StringComparison.Ordinal) || e.FullPath.Contains($"{separator}obj{separator}", StringComparison.Ordinal)))
            {
                changed.Release();
            }
        };
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Deleted += onChange;
        watcher.Renamed += (sender, e) => onChange(sender, e);

        string? name = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var assembly = await BuildOutput.ResolveAssemblyAsync(settings.Target, stop.Token).ConfigureAwait(false);
                    name ??= settings.Name ?? Manifest.AppManifest.Parse(
                        await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(assembly)!, Manifest.AppManifest.FileName), stop.Token).ConfigureAwait(false)).App + "-serve";
                    var (response, _, uploaded, total) = await AppDeployer.DeployAsync(connection, assembly, name, stop.Token).ConfigureAwait(false);
                    Report(settings, name, response, uploaded, total);
                }
                catch (ModalException ex) when (!stop.IsCancellationRequested)
                {
                    // A broken edit must not end the session: say what failed and wait for the next change. With --json
                    // every line of standard output stays a JSON event.
                    if (settings.Json)
                    {
                        WriteJson(new JsonObject { ["event"] = "error", ["error"] = ex.GetType().Name, ["message"] = ex.Message });
                    }
                    else
                    {
                        AnsiConsole.MarkupLineInterpolated($"[red]{ex.GetType().Name}:[/] {ex.Message}");
                    }
                }

                await changed.WaitAsync(stop.Token).ConfigureAwait(false);
                await Task.Delay(Debounce, stop.Token).ConfigureAwait(false);
                while (changed.CurrentCount > 0)
                {
                    await changed.WaitAsync(stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        if (name is not null)
        {
            await connection.Platform.AppStopByNameAsync(new AppStopByNameRequest { Name = name, Environment = connection.Environment }, connection.Call(CancellationToken.None)).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"Stopped served app '{name}'.");
        }

        return 0;
    }

    private static void Report(Settings settings, string name, AppDeployResponse response, int uploaded, int total)
    {
        if (settings.Json)
        {
            WriteJson(new JsonObject { ["event"] = "deployed", ["name"] = name, ["appId"] = response.AppId, ["version"] = response.Version, ["filesUploaded"] = uploaded, ["filesTotal"] = total, ["webUrls"] = WebUrls.ToJson(response.WebUrls) });
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[green]Serving[/] '{name}' version {response.Version} ({response.AppId}); uploaded {uploaded} of {total} files.");
            WebUrls.Print(response.WebUrls);
            AnsiConsole.MarkupLine("Watching for changes, Ctrl+C stops.");
        }
    }
}
