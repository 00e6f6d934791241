using System.Text;
using Modal.ControlPlane;
using Modal.Protocol;

namespace Modal.Server.Tests;

/// <summary>
/// Secret.FromDict/FromDotenv/FromName bound to the secret names a function lists, for one app run: applied in the
/// function's list order with later ones winning, kept in memory only, and never shown.
/// </summary>
public class BoundSecretTests
{
    [Fact]
    public async Task A_server_applies_bound_and_stored_secrets_in_list_order_and_stores_no_bound_value()
    {
        var backend = new RecordingBackend();
        await using var server = await ServerFixture.StartAsync(backend: backend);
        using var admin = server.Connect();
        await admin.Platform.SecretCreateAsync(new SecretCreateRequest { Name = "base", Values = { ["SHARED"] = "stored-1", ["ONLY_STORED"] = "s" } }, admin.Call);
        await admin.Platform.SecretCreateAsync(new SecretCreateRequest { Name = "prod-db", Values = { ["DB"] = "prod-5521" } }, admin.Call);
        var dotenv = Path.Combine(server.StateDirectory, "..", "bound-" + Guid.NewGuid().ToString("N")[..8] + ".env");
        await File.WriteAllTextAsync(dotenv, "SHARED=dotenv-8816\nFROM_FILE=yes\n");
        try
        {
            var bindings = new Dictionary<string, Secret>
            {
                ["local"] = Secret.FromDotenv(dotenv),
                ["db"] = Secret.FromName("prod-db"),
                ["last"] = Secret.FromDict(new Dictionary<string, string?> { ["LAST"] = "dict-3390", ["SKIPPED"] = null }),
            };
            var manifest = ServerFixture.Manifest(f => f.Name == "Square" ? f with { Secrets = ["base", "local", "db", "last"] } : f);
            var created = await admin.Api.AppCreateAsync(Request(manifest, bindings), admin.Call);

            var map = new FunctionMapRequest { FunctionId = created.FunctionIds["Square"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
            map.PipelinedInputs.Add(Inputs.Square(0, 2));
            await admin.Api.FunctionMapAsync(map, admin.Call);
            var spec = await backend.NextStartAsync("Square");
            Assert.Equal("dotenv-8816", spec.Environment["SHARED"]);
            Assert.Equal("s", spec.Environment["ONLY_STORED"]);
            Assert.Equal("yes", spec.Environment["FROM_FILE"]);
            Assert.Equal("prod-5521", spec.Environment["DB"]);
            Assert.Equal("dict-3390", spec.Environment["LAST"]);
            Assert.False(spec.Environment.ContainsKey("SKIPPED"));

            // Bound values reach no file of the state directory, and the secret shows its keys only.
            foreach (var file in Directory.EnumerateFiles(server.StateDirectory, "*", SearchOption.AllDirectories))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var text = await reader.ReadToEndAsync();
                Assert.DoesNotContain("dotenv-8816", text, StringComparison.Ordinal);
                Assert.DoesNotContain("dict-3390", text, StringComparison.Ordinal);
            }

            Assert.Equal("Secret(LAST)", bindings["last"].ToString());

            // A binding no function uses is a mistake worth hearing about.
            var typo = await TestConnection.FailureAsync(async () =>
                await admin.Api.AppCreateAsync(Request(manifest, new Dictionary<string, Secret> { ["lcoal"] = Secret.FromDict(new Dictionary<string, string?> { ["A"] = "1" }) }), admin.Call));
            Assert.IsType<InvalidError>(typo);
            Assert.Contains("'lcoal'", typo.Message);
        }
        finally
        {
            File.Delete(dotenv);
        }
    }

    [Fact]
    public async Task An_embedded_control_plane_injects_bound_secrets_and_refuses_unbound_ones()
    {
        var backend = new RecordingBackend();
        var state = Path.Combine(Path.GetTempPath(), "modal-embedded-" + Guid.NewGuid().ToString("N")[..12]);
        await using var host = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { StateDirectory = state, Backend = backend });
        using var connection = new TestConnection(host.Address, null, null);
        var manifest = ServerFixture.Manifest(f => f.Name == "Square" ? f with { Secrets = ["first", "second"] } : f);

        var unbound = await TestConnection.FailureAsync(async () =>
            await connection.Api.AppCreateAsync(Request(manifest, new Dictionary<string, Secret> { ["first"] = Secret.FromDict(new Dictionary<string, string?> { ["A"] = "1" }) }), connection.Call));
        Assert.IsType<InvalidError>(unbound);
        Assert.Contains("'second'", unbound.Message);
        Assert.Contains("Secret.FromDotenv", unbound.Message);

        var created = await connection.Api.AppCreateAsync(Request(manifest, new Dictionary<string, Secret>
        {
            ["first"] = Secret.FromDict(new Dictionary<string, string?> { ["KEY"] = "first-1", ["ONLY_FIRST"] = "f" }),
            ["second"] = Secret.FromDict(new Dictionary<string, string?> { ["KEY"] = "second-2" }),
        }), connection.Call);
        var map = new FunctionMapRequest { FunctionId = created.FunctionIds["Square"], InvocationType = FunctionCallInvocationType.Sync, CallType = FunctionCallType.Unary, InputsComplete = true };
        map.PipelinedInputs.Add(Inputs.Square(0, 2));
        await connection.Api.FunctionMapAsync(map, connection.Call);
        var spec = await backend.NextStartAsync("Square");
        Assert.Equal("second-2", spec.Environment["KEY"]);
        Assert.Equal("f", spec.Environment["ONLY_FIRST"]);
    }

    [Fact]
    public void FromDotenv_finds_the_nearest_env_file_and_FromDict_refuses_bad_keys()
    {
        var root = Path.Combine(Path.GetTempPath(), "modal-dotenv-" + Guid.NewGuid().ToString("N")[..12]);
        var nested = Path.Combine(root, "a", "b");
        Directory.CreateDirectory(nested);
        File.WriteAllText(Path.Combine(root, ".env"), "USERNAME=ada\n");
        try
        {
            // Searched from the current directory upwards (here from a nested folder, without changing the process's).
            var found = Secret.FindDotenv(nested);
            Assert.Equal(Path.Combine(root, ".env"), found);
            var secret = Secret.FromDotenv(found);
            Assert.Equal(["USERNAME"], secret.Keys);
            Assert.DoesNotContain("ada", secret.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        Assert.Throws<InvalidError>(() => Secret.FromDotenv(Path.Combine(root, "missing.env")));
        Assert.Throws<InvalidError>(() => Secret.FromDict(new Dictionary<string, string?> { ["A=B"] = "x" }));
    }

    private static AppCreateRequest Request(string manifestJson, IReadOnlyDictionary<string, Secret> bindings)
    {
        var request = new AppCreateRequest
        {
            Name = "bound",
            State = AppState.Ephemeral,
            ArtifactDir = ServerFixture.TestAppDirectory,
            AssemblyFile = "Modal.TestApp.dll",
            ManifestJson = manifestJson,
        };
        request.Secrets.AddRange(bindings.Select(b => b.Value.ToBinding(b.Key)));
        return request;
    }
}
