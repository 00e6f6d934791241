using System.Text;
using Modal.Protocol;
using Modal.Secrets;

namespace Modal.Server.Tests;

public class SecretTests
{
    [Fact]
    public async Task Secrets_are_sealed_at_rest_and_injected_in_list_order_later_ones_winning()
    {
        var backend = new RecordingBackend();
        await using var server = await ServerFixture.StartAsync(backend: backend);
        using var admin = server.Connect();
        await admin.Platform.SecretCreateAsync(new SecretCreateRequest { Name = "first", Values = { ["SHARED"] = "from-first-0451", ["ONLY_FIRST"] = "a-7731" } }, admin.Call);
        await admin.Platform.SecretCreateAsync(new SecretCreateRequest { Name = "second", Values = { ["SHARED"] = "from-second-9926" } }, admin.Call);
        var deployed = await ServerFixture.DeployAsync(admin, "secretive", ServerFixture.Manifest(f => f.Name == "Square" ? f with { Secrets = ["first", "second"] } : f));

        var map = new FunctionMapRequest { FunctionId = deployed.FunctionIds["Square"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
        map.PipelinedInputs.Add(Inputs.Square(0, 2));
        await admin.Api.FunctionMapAsync(map, admin.Call);
        var spec = await backend.NextStartAsync("Square");
        Assert.Equal("from-second-9926", spec.Environment["SHARED"]);
        Assert.Equal("a-7731", spec.Environment["ONLY_FIRST"]);

        var listed = Assert.Single((await admin.Platform.SecretListAsync(new SecretListRequest(), admin.Call)).Secrets, s => s.Name == "first");
        Assert.Equal(["ONLY_FIRST", "SHARED"], listed.Keys);

        // Values appear in no file of the state directory (the database stores them sealed with AES-GCM).
        foreach (var file in Directory.EnumerateFiles(server.StateDirectory, "*", SearchOption.AllDirectories))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.DoesNotContain("from-first-0451", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            Assert.DoesNotContain("from-second-9926", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Deploying_with_a_missing_secret_fails_and_names_it_without_values()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        var error = await TestConnection.FailureAsync(() => ServerFixture.DeployAsync(admin, "lacking", ServerFixture.Manifest(f => f with { Secrets = ["nope"] })));
        Assert.IsType<NotFoundError>(error);
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("modal secret create", error.Message);
    }

    [Fact]
    public async Task Creating_an_existing_secret_needs_overwrite_and_delete_removes_it()
    {
        await using var server = await ServerFixture.StartAsync(backend: new RecordingBackend());
        using var admin = server.Connect();
        var create = new SecretCreateRequest { Name = "api", Values = { ["KEY"] = "1" } };
        await admin.Platform.SecretCreateAsync(create, admin.Call);
        Assert.IsType<InvalidError>(await TestConnection.FailureAsync(async () => await admin.Platform.SecretCreateAsync(create, admin.Call)));
        create.Overwrite = true;
        await admin.Platform.SecretCreateAsync(create, admin.Call);
        await admin.Platform.SecretDeleteAsync(new SecretDeleteRequest { Name = "api" }, admin.Call);
        Assert.Empty((await admin.Platform.SecretListAsync(new SecretListRequest(), admin.Call)).Secrets);
        Assert.IsType<NotFoundError>(await TestConnection.FailureAsync(async () => await admin.Platform.SecretDeleteAsync(new SecretDeleteRequest { Name = "api" }, admin.Call)));
    }

    [Fact]
    public void Dotenv_files_parse_comments_quotes_and_export()
    {
        var values = DotenvParser.Parse("# comment\nexport A=1\nB=\"two\\nlines\"\nC='x y' \nD=plain # trailing\n\nA=again\n");
        Assert.Equal("again", values["A"]);
        Assert.Equal("two\nlines", values["B"]);
        Assert.Equal("x y", values["C"]);
        Assert.Equal("plain", values["D"]);
        Assert.Throws<InvalidError>(() => DotenvParser.Parse("NOEQUALS"));
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
