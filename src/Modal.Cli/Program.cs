using Modal.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("modal");
    config.AddCommand<ServerCommand>("server").WithDescription("Run the control plane as a long-lived server (gRPC + HTTP).");
    config.AddCommand<RunCommand>("run").WithDescription("Run an app's entrypoint or one function: modal run <project|dll>[::Name] [--detach] [-- args].");
    config.AddCommand<DeployCommand>("deploy").WithDescription("Deploy an app as the next version of its name.");
    config.AddCommand<ServeCommand>("serve").WithDescription("Deploy an app as APP-serve and redeploy it when its files change.");
    config.AddBranch("app", branch =>
    {
        branch.SetDescription("Deployed and running apps.");
        branch.AddCommand<AppListCommand>("list").WithDescription("List apps.");
        branch.AddCommand<AppStopCommand>("stop").WithDescription("Stop a deployed app (destructive).");
        branch.AddCommand<AppLogsCommand>("logs").WithDescription("Show what an app's containers wrote and its schedule runs; -f follows.");
        branch.AddCommand<AppRunNowCommand>("run-now").WithDescription("Run a scheduled function of a deployed app now.");
        branch.AddCommand<AppRollbackCommand>("rollback").WithDescription("Return to an earlier version.");
        branch.AddCommand<AppHistoryCommand>("history").WithDescription("List an app's versions.");
    });
    config.AddBranch("secret", branch =>
    {
        branch.SetDescription("Secrets injected into containers as environment variables.");
        branch.AddCommand<SecretCreateCommand>("create").WithDescription("Create a secret: NAME KEY=VALUE... [--from-dotenv F] [--force].");
        branch.AddCommand<SecretListCommand>("list").WithDescription("List secrets (names and keys only).");
        branch.AddCommand<SecretDeleteCommand>("delete").WithDescription("Delete a secret.");
    });
    config.AddBranch("token", branch =>
    {
        branch.SetDescription("API tokens.");
        branch.AddCommand<TokenNewCommand>("new").WithDescription("Create a token and save it as a profile.");
        branch.AddCommand<TokenSetCommand>("set").WithDescription("Save an existing token as a profile.");
    });
});

// Arguments after `--` belong to the app's entrypoint, not to the CLI.
var separator = Array.IndexOf(args, "--");
if (separator >= 0)
{
    RunCommand.Remaining = args[(separator + 1)..];
    args = args[..separator];
}

return await app.RunAsync(args).ConfigureAwait(false);
