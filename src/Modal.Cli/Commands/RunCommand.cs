using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Modal.Cli.Run;
using Modal.Manifest;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal run &lt;project|dll&gt;[::Name] [--detach] [-- args]</c>: runs the app's [LocalEntrypoint] (the one named, or
/// the only one), or calls one function remotely with its parameters read from <c>--name value</c> options and prints
/// the result. It runs against the configured server, or an embedded control plane when none is configured.
/// </summary>
public sealed class RunCommand : ModalCommand<RunCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<target>")]
        [Description("The app's project folder, .csproj, or built .dll, optionally followed by ::Function or ::Entrypoint.")]
        public string Target { get; init; } = "";

        [CommandOption("--secret-from-dotenv <NAME[=FILE]>")]
        [Description("Bind a secret name the app's functions list to a dotenv file (default: the nearest .env) for this run; repeatable.")]
        public string[] DotenvSecrets { get; init; } = [];

        [CommandOption("--detach")]
        [Description("Keep the app running on the server after this client exits, until its calls finish or `modal app stop`.")]
        public bool Detach { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var options = ModalOptions.FromEnvironment();
        if (settings.Environment is { } environment)
        {
            options = options with { Environment = environment };
        }

        if (settings.DotenvSecrets.Length > 0)
        {
            // Read here, so a missing file fails before anything starts; the app's program reads them again from the variable.
            options = options with { Secrets = ModalOptions.DotenvBindings(string.Join(';', settings.DotenvSecrets)) };
        }

        if (settings.Detach && options.ServerUrl is null)
        {
            throw new InvalidError(
                "`modal run --detach` needs a `modal server`: an embedded control plane ends with this process. Start one with `modal server`, " +
                "or set MODAL_SERVER_URL with MODAL_TOKEN_ID and MODAL_TOKEN_SECRET.");
        }

        var (path, name) = RunTarget.Split(settings.Target);
        var assembly = await BuildOutput.ResolveAssemblyAsync(path, cancellationToken).ConfigureAwait(false);
        var manifestPath = Path.Combine(Path.GetDirectoryName(assembly)!, AppManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            if (name is not null)
            {
                throw new InvalidError($"{manifestPath} does not exist: {Path.GetFileName(assembly)} is not a Modal app build (reference Modal.Runtime and build it).");
            }

            return await RunProgramAsync(assembly, settings, options).ConfigureAwait(false);
        }

        var manifestJson = await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        AppManifest manifest;
        try
        {
            manifest = AppManifest.Parse(manifestJson);
        }
        catch (FormatException ex)
        {
            throw new InvalidError(ex.Message, ex);
        }

        var target = RunTarget.Resolve(manifest, name);
        if (target.Function is not { } function)
        {
            return await RunProgramAsync(assembly, settings, options).ConfigureAwait(false);
        }

        var defaults = ParameterDefaults.Read(assembly, function.EntryKey, function.Name, function.Parameters.Select(p => p.Name).ToList());
        var arguments = FunctionArguments.Read(function, defaults, Remaining, Console.Out, Console.Error, out var exitCode);
        if (arguments is null)
        {
            return exitCode;
        }

        FunctionRunResult result;
        try
        {
            result = await FunctionRunner.RunAsync(assembly, manifestJson, function, arguments, settings.Detach, options, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteException ex) when (!settings.Json)
        {
            await Console.Error.WriteLineAsync($"Remote stack trace:{System.Environment.NewLine}{ex.RemoteStackTrace}").ConfigureAwait(false);
            throw;
        }

        if (settings.Json)
        {
            WriteJson(new JsonObject
            {
                ["appId"] = result.AppId,
                ["function"] = function.Name,
                ["functionCallId"] = result.FunctionCallId,
                ["result"] = result.ResultJson is null ? null : JsonNode.Parse(result.ResultJson),
            });
        }
        else if (result.ResultJson is not null)
        {
            // A string prints as itself; anything else as JSON.
            var node = JsonNode.Parse(result.ResultJson);
            Console.Out.WriteLine(node is JsonValue value && value.TryGetValue<string>(out var text) ? text : result.ResultJson);
        }

        if (settings.Detach && !settings.Json)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]App {result.AppId} runs detached; `modal app stop` stops it.[/]");
        }

        return 0;
    }

    private static async Task<int> RunProgramAsync(string assembly, Settings settings, ModalOptions options)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(assembly);
        foreach (var argument in Remaining)
        {
            start.ArgumentList.Add(argument);
        }

        if (options.ServerUrl is not null)
        {
            start.Environment["MODAL_SERVER_URL"] = options.ServerUrl.ToString().TrimEnd('/');
            start.Environment["MODAL_TOKEN_ID"] = options.TokenId;
            start.Environment["MODAL_TOKEN_SECRET"] = options.TokenSecret;
        }

        if (settings.Environment is { } environment)
        {
            start.Environment["MODAL_ENVIRONMENT"] = environment;
        }

        if (settings.Detach)
        {
            start.Environment["MODAL_DETACH"] = "1";
        }

        if (settings.DotenvSecrets.Length > 0)
        {
            start.Environment[ModalOptions.DotenvSecretsVariable] = string.Join(';', settings.DotenvSecrets);
        }

        using var process = Process.Start(start) ?? throw new InvalidError("Could not start `dotnet`; is the .NET SDK on PATH?");
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>The arguments after <c>--</c>, set by Program before the command runs.</summary>
    internal static IReadOnlyList<string> Remaining { get; set; } = [];
}
