using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Modal.Protocol;

namespace Modal.Server.Tests;

public class IdentityTokenTests
{
    [Fact]
    public async Task Containers_get_platform_variables_and_an_identity_token_a_third_party_verifies_with_the_JWKS()
    {
        var backend = new RecordingBackend();
        await using var server = await ServerFixture.StartAsync(backend: backend);
        using var admin = server.Connect();
        var deployed = await ServerFixture.DeployAsync(admin, "identified");
        var map = new FunctionMapRequest { FunctionId = deployed.FunctionIds["Square"], InvocationType = FunctionCallInvocationType.Async, CallType = FunctionCallType.Unary, InputsComplete = true };
        map.PipelinedInputs.Add(Inputs.Square(0, 2));
        await admin.Api.FunctionMapAsync(map, admin.Call);
        var env = (await backend.NextStartAsync("Square")).Environment;

        Assert.StartsWith("ta-", env["MODAL_TASK_ID"]);
        Assert.Equal("1", env["MODAL_IS_REMOTE"]);
        Assert.Equal("main", env["MODAL_ENVIRONMENT"]);
        Assert.Equal("local", env["MODAL_REGION"]);
        Assert.Equal("self-hosted", env["MODAL_CLOUD_PROVIDER"]);
        Assert.StartsWith("im-", env["MODAL_IMAGE_ID"]);

        // The JWKS is public, over plain HTTP; the token verifies against it with no shared secret.
        using var http = new HttpClient { BaseAddress = server.Host.HttpAddress };
        using var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks.json"));
        var key = jwks.RootElement.GetProperty("keys")[0];
        using var rsa = RSA.Create(new RSAParameters { Modulus = FromBase64Url(key.GetProperty("n").GetString()!), Exponent = FromBase64Url(key.GetProperty("e").GetString()!) });

        var parts = env["MODAL_IDENTITY_TOKEN"].Split('.');
        Assert.Equal(3, parts.Length);
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
        Assert.Equal(key.GetProperty("kid").GetString(), header.RootElement.GetProperty("kid").GetString());
        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        Assert.Equal(server.Host.Address.ToString().TrimEnd('/'), claims.RootElement.GetProperty("iss").GetString());
        Assert.Equal(deployed.FunctionIds["Square"], claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal("Square", claims.RootElement.GetProperty("function_name").GetString());
        Assert.Equal("identified", claims.RootElement.GetProperty("app_name").GetString());
        Assert.True(claims.RootElement.GetProperty("exp").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        // A tampered payload fails verification.
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes(claims.RootElement.GetRawText().Replace("Square", "Admin", StringComparison.Ordinal))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.False(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + forged), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
