using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modal.Auth;

/// <summary>
/// Signs the identity tokens containers get as <c>MODAL_IDENTITY_TOKEN</c> (RS256 JWTs: issuer the server, subject the
/// function) and publishes the public key as a JWKS, so a third party can check that a call comes from a given function.
/// The RSA key lives in <c>identity.pem</c> in the state directory and survives restarts, so issued tokens stay valid.
/// </summary>
internal sealed class IdentityTokenIssuer : IDisposable
{
    /// <summary>The path the JWKS is served at on the server's HTTP listener.</summary>
    public const string JwksPath = "/.well-known/jwks.json";

    private readonly RSA _rsa;
    private readonly string _keyId;

    private IdentityTokenIssuer(RSA rsa)
    {
        _rsa = rsa;
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        // RFC 7638 thumbprint: the key id changes only when the key does.
        var thumbprintInput = $"{{\"e\":\"{Base64Url(parameters.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url(parameters.Modulus!)}\"}}";
        _keyId = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(thumbprintInput)));
    }

    public string KeyId => _keyId;

    public static IdentityTokenIssuer LoadOrCreate(string pemPath)
    {
        var rsa = RSA.Create();
        if (File.Exists(pemPath))
        {
            rsa.ImportFromPem(File.ReadAllText(pemPath));
        }
        else
        {
            rsa.KeySize = 2048;
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(pemPath, options);
            using var writer = new StreamWriter(stream);
            writer.Write(rsa.ExportRSAPrivateKeyPem());
        }

        return new IdentityTokenIssuer(rsa);
    }

    /// <summary>A signed token for one container of a function.</summary>
    public string Issue(string issuer, string functionId, IReadOnlyDictionary<string, string> claims, DateTimeOffset now, TimeSpan lifetime)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = _keyId };
        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = functionId,
            ["aud"] = "modal",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in claims)
        {
            payload[name] = value;
        }

        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>The JSON Web Key Set with this server's public signing key.</summary>
    public string JwksJson()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        var key = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = _keyId,
            ["n"] = Base64Url(parameters.Modulus!),
            ["e"] = Base64Url(parameters.Exponent!),
        };
        return new JsonObject { ["keys"] = new JsonArray(key) }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    public void Dispose() => _rsa.Dispose();

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
