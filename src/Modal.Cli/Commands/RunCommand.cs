using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console.Cli;

namespace Modal.Cli.Commands;

/// <summary>
/// <c>modal run &lt;project|dll&gt; [-- args]</c>: runs the app's [LocalEntrypoint] against the configured server (or an
/// embedded control plane when none is configured), passing the arguments after <c>--</c> to it.
/// </summary>
public sealed class RunCommand : ModalCommand<RunCommand.Settings>
{
    public sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<target>")]
        [Description("The app's project folder, .csproj, or built .dll; `::Function` is not supported yet.")]
        public string Target { get; init; } = "";

        [CommandOption("--detach")]
        [Description("Keep the app running after the client exits (not supported yet).")]
        public bool Detach { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Target.Contains("::", StringComparison.Ordinal))
        {
            throw new InvalidError("`modal run <app>::Function` is not implemented yet; run the app's [LocalEntrypoint] with `modal run <app> -- args`.");
        }

        if (settings.Detach)
        {
            throw new InvalidError("`modal run --detach` is not implemented yet; use `modal deploy` for an app that outlives its client.");
        }

        var assembly = await BuildOutput.ResolveAssemblyAsync(settings.Target, cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(assembly);
        foreach (var argument in Remaining)
        {
            start.ArgumentList.Add(argument);
        }

        var options = ModalOptions.FromEnvironment();
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

        using var process = Process.Start(start) ?? throw new InvalidError("Could not start `dotnet`; is the .NET SDK on PATH?");
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>The arguments after <c>--</c>, set by Program before the command runs.</summary>
    internal static IReadOnlyList<string> Remaining { get; set; } = [];
}
