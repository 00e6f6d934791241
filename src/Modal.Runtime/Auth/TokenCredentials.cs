using System.Security.Cryptography;
using System.Text;

namespace Modal.Auth;

/// <summary>A user token: an <c>ak-</c> id and an <c>as-</c> secret. Only the secret's SHA-256 is stored.</summary>
public sealed record TokenCredentials(string TokenId, string TokenSecret)
{
    public static TokenCredentials New() => new(
        "ak-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 20),
        "as-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32));

    internal static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
