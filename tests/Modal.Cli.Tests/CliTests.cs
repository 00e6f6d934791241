using System.Text.Json;

namespace Modal.Cli.Tests;

public class CliTests
{
    [Fact]
    public async Task A_first_server_start_writes_a_profile_that_the_cli_then_uses_for_secrets_tokens_and_apps()
    {
        await using var cli = new ModalCli();
        await cli.StartServerAsync();
        Assert.True(cli.Listening.GetProperty("profileWritten").GetBoolean());
        var profile = Assert.Single(ModalProfile.LoadAll(cli.ConfigPath));
        Assert.Equal(cli.Listening.GetProperty("serverUrl").GetString(), profile.ServerUrl);
        Assert.True(profile.Active);
        if (!OperatingSystem.IsWindows())
        {
            // The profile holds a token secret: readable by its owner only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigPath));
        }

        var dotenv = Path.Combine(cli.Home, "prod.env");
        await File.WriteAllTextAsync(dotenv, "DB_URL=postgres://db\nTOKEN=from-dotenv\n");
        var created = await cli.RunAsync("secret", "create", "prod", "TOKEN=s3cr3t-value", "--from-dotenv", dotenv, "--json");
        Assert.Equal(0, created.ExitCode);
        Assert.DoesNotContain("s3cr3t-value", created.Stdout + created.Stderr, StringComparison.Ordinal);
        var again = await cli.RunAsync("secret", "create", "prod", "TOKEN=x");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Stdout);

        var listed = await cli.RunAsync("secret", "list", "--json");
        using (var secrets = JsonDocument.Parse(listed.Stdout))
        {
            var secret = Assert.Single(secrets.RootElement.EnumerateArray());
            Assert.Equal("prod", secret.GetProperty("name").GetString());
            Assert.Equal(["DB_URL", "TOKEN"], secret.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        }

        Assert.DoesNotContain("s3cr3t-value", listed.Stdout, StringComparison.Ordinal);

        var deployed = await cli.RunAsync("deploy", ModalCli.TestAppAssembly, "--name", "cli-app", "--json");
        Assert.True(deployed.ExitCode == 0, deployed.Stdout + deployed.Stderr);
        using (var deploy = JsonDocument.Parse(deployed.Stdout))
        {
            Assert.Equal(1, deploy.RootElement.GetProperty("version").GetInt32());
            Assert.True(deploy.RootElement.GetProperty("filesUploaded").GetInt32() > 0);
        }

        var redeployed = await cli.RunAsync("deploy", ModalCli.TestAppAssembly, "--name", "cli-app", "--json");
        using (var redeploy = JsonDocument.Parse(redeployed.Stdout))
        {
            Assert.Equal(2, redeploy.RootElement.GetProperty("version").GetInt32());
            Assert.Equal(0, redeploy.RootElement.GetProperty("filesUploaded").GetInt32());
        }

        var rollback = await cli.RunAsync("app", "rollback", "cli-app", "v1", "--json");
        Assert.Equal(0, rollback.ExitCode);
        using (var history = JsonDocument.Parse((await cli.RunAsync("app", "history", "cli-app", "--json")).Stdout))
        {
            Assert.Equal([3, 2, 1], history.RootElement.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        }

        using (var apps = JsonDocument.Parse((await cli.RunAsync("app", "list", "--json")).Stdout))
        {
            var app = Assert.Single(apps.RootElement.EnumerateArray());
            Assert.Equal("deployed", app.GetProperty("state").GetString());
            Assert.Equal(3, app.GetProperty("version").GetInt32());
        }

        Assert.Equal(0, (await cli.RunAsync("app", "stop", "cli-app")).ExitCode);
        using (var apps = JsonDocument.Parse((await cli.RunAsync("app", "list", "--json")).Stdout))
        {
            Assert.Equal("stopped", Assert.Single(apps.RootElement.EnumerateArray()).GetProperty("state").GetString());
        }

        var token = await cli.RunAsync("token", "new", "--profile", "second", "--json");
        Assert.Equal(0, token.ExitCode);
        Assert.Equal(2, ModalProfile.LoadAll(cli.ConfigPath).Count);
        Assert.Equal("second", Assert.Single(ModalProfile.LoadAll(cli.ConfigPath), p => p.Active).Name);
        Assert.Equal(0, (await cli.RunAsync("secret", "list")).ExitCode);
    }

    [Fact]
    public async Task A_wrong_token_fails_with_AuthError_as_json_and_missing_features_say_so()
    {
        await using var cli = new ModalCli();
        await cli.StartServerAsync();
        var wrong = await cli.RunAsync(new Dictionary<string, string> { ["MODAL_TOKEN_ID"] = "ak-nope", ["MODAL_TOKEN_SECRET"] = "as-nope" }, "app", "list", "--json");
        Assert.Equal(1, wrong.ExitCode);
        using (var error = JsonDocument.Parse(wrong.Stdout))
        {
            Assert.Equal("AuthError", error.RootElement.GetProperty("type").GetString());
        }

        var set = await cli.RunAsync("token", "set", "--token-id", "ak-nope", "--token-secret", "as-nope");
        Assert.Equal(1, set.ExitCode);
        Assert.Contains("AuthError", set.Stdout);

        var unknown = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::Nope", "--json");
        Assert.Equal(1, unknown.ExitCode);
        using (var error = JsonDocument.Parse(unknown.Stdout))
        {
            Assert.Equal("NotFoundError", error.RootElement.GetProperty("type").GetString());
            Assert.Contains("Square", error.RootElement.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Run_calls_one_function_with_its_options_and_prints_the_result()
    {
        await using var cli = new ModalCli();
        await cli.StartServerAsync();
        var added = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::Add", "--", "--a", "2", "--b=40");
        Assert.True(added.ExitCode == 0, added.Stdout + added.Stderr);
        Assert.Equal("42", added.Stdout.Trim());

        // `App.Function` works too, as `script.py::app.f` does in the reference; --json gives the ids and the result.
        var echoed = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::TestApp.EchoAsync", "--json", "--", "--s", "hello there");
        Assert.True(echoed.ExitCode == 0, echoed.Stdout + echoed.Stderr);
        using (var json = JsonDocument.Parse(echoed.Stdout))
        {
            Assert.Equal("hello there", json.RootElement.GetProperty("result").GetString());
            Assert.StartsWith("fc-", json.RootElement.GetProperty("functionCallId").GetString());
            Assert.StartsWith("ap-", json.RootElement.GetProperty("appId").GetString());
        }

        // A failure inside the function reaches the CLI as the remote exception, with its stack trace.
        var failed = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::Fail", "--", "--message", "kaput-4471");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("RemoteException", failed.Stdout);
        Assert.Contains("kaput-4471", failed.Stdout);
        Assert.Contains("Remote stack trace", failed.Stderr);

        // Bad options are usage errors (exit code 2) that name the problem; --help lists the options.
        var wrong = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::Add", "--", "--a", "two");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("option --a expects an integer, got 'two'", wrong.Stderr);
        Assert.Contains("missing required option --b", wrong.Stderr);
        var help = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::Add", "--", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--b <int>", help.Stdout);

        // Parameters the command line cannot express are refused with a way out; so is an app with nothing to pick.
        var greet = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::Greet");
        Assert.Equal(1, greet.ExitCode);
        Assert.Contains("[LocalEntrypoint]", greet.Stdout);
        var ambiguous = await cli.RunAsync("run", ModalCli.TestAppAssembly);
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Contains("::Name", ambiguous.Stdout);

        // --secret-from-dotenv binds a secret name for the run: a missing file fails at once, and a name no function
        // lists is refused by the server (the binding reached it).
        var missingFile = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::Add", "--secret-from-dotenv", "db=" + Path.Combine(cli.Home, "missing.env"), "--", "--a", "1", "--b", "2");
        Assert.Equal(1, missingFile.ExitCode);
        Assert.Contains("missing.env", missingFile.Stdout);
        var dotenv = Path.Combine(cli.Home, "local.env");
        await File.WriteAllTextAsync(dotenv, "TOKEN=dotenv-value-5150\n");
        var unused = await cli.RunAsync("run", ModalCli.TestAppAssembly + "::Add", "--secret-from-dotenv", "db=" + dotenv, "--", "--a", "1", "--b", "2");
        Assert.Equal(1, unused.ExitCode);
        Assert.Contains("'db'", unused.Stdout);
        Assert.DoesNotContain("dotenv-value-5150", unused.Stdout + unused.Stderr, StringComparison.Ordinal);

        // Without --detach the ephemeral app stops when the command ends.
        using var apps = JsonDocument.Parse((await cli.RunAsync("app", "list", "--json")).Stdout);
        Assert.Empty(apps.RootElement.EnumerateArray());
    }

    [Fact]
    public void Profiles_round_trip_and_the_active_one_is_current()
    {
        var path = Path.Combine(Path.GetTempPath(), "modal-profile-" + Guid.NewGuid().ToString("N") + ".toml");
        try
        {
            ModalProfile.Save(new ModalProfile { Name = "a", ServerUrl = "http://127.0.0.1:1", TokenId = "ak-1", TokenSecret = "as-\"quoted\"" }, activate: true, path);
            ModalProfile.Save(new ModalProfile { Name = "b", ServerUrl = "http://127.0.0.1:2", TokenId = "ak-2", TokenSecret = "as-2", Environment = "dev" }, activate: false, path);
            var profiles = ModalProfile.LoadAll(path);
            Assert.Equal(["a", "b"], profiles.Select(p => p.Name));
            Assert.Equal("as-\"quoted\"", profiles[0].TokenSecret);
            Assert.Equal("a", ModalProfile.Current(path)!.Name);
            ModalProfile.Save(profiles[1], activate: true, path);
            Assert.Equal("b", ModalProfile.Current(path)!.Name);
            Assert.Equal("dev", ModalProfile.Current(path)!.Environment);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Serve_redeploys_when_the_build_output_changes_and_stops_the_app_on_SIGTERM()
    {
        await using var cli = new ModalCli();
        await cli.StartServerAsync();
        var output = Path.Combine(cli.Home, "app");
        Directory.CreateDirectory(output);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(ModalCli.TestAppAssembly)!))
        {
            File.Copy(file, Path.Combine(output, Path.GetFileName(file)));
        }

        using var serve = cli.Start("serve", Path.Combine(output, "Modal.TestApp.dll"), "--json");
        using (var first = JsonDocument.Parse(await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90)) ?? "{}"))
        {
            // An error event carries the deploy's failure, which the assertion then shows.
            Assert.Equal("deployed", first.RootElement.TryGetProperty("message", out var error) ? error.GetString() : first.RootElement.GetProperty("event").GetString());
            Assert.Equal("testapp-serve", first.RootElement.GetProperty("name").GetString());
            Assert.Equal(1, first.RootElement.GetProperty("version").GetInt32());
            Assert.StartsWith("http://", first.RootElement.GetProperty("webUrls").GetProperty("GatewayEcho").GetString(), StringComparison.Ordinal);
            Assert.Contains("--testapp-serve-gatewayecho.localhost:", first.RootElement.GetProperty("webUrls").GetProperty("GatewayEcho").GetString(), StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(Path.Combine(output, "changed.txt"), "a change");
        using (var second = JsonDocument.Parse(await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90)) ?? "{}"))
        {
            Assert.Equal(2, second.RootElement.GetProperty("version").GetInt32());
            Assert.Equal(1, second.RootElement.GetProperty("filesUploaded").GetInt32());
        }

        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await serve.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(0, serve.ExitCode);
        using var apps = JsonDocument.Parse((await cli.RunAsync("app", "list", "--json")).Stdout);
        Assert.Equal("stopped", Assert.Single(apps.RootElement.EnumerateArray()).GetProperty("state").GetString());
    }
}
