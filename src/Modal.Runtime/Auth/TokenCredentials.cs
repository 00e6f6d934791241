using System.Security.Cryptography;
using System.Text;

namespace Modal.Auth;

/// <summary>A user token: an <c>ak-</c> id and an <c>as-</c> secret. Only the secret's SHA-256 is stored.</summary>
public sealed record TokenCredentials(string TokenId, string TokenSecret)
{
    public static TokenCredentials New() => new(
        "ak-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 20),
        "as-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32));

    /// <summary>
    /// A proxy-auth token (<c>wk-</c> key, <c>ws-</c> secret): it passes web endpoints that require proxy auth, sent in
    /// the <c>Modal-Key</c> and <c>Modal-Secret</c> headers, and cannot call the API.
    /// </summary>
    public static TokenCredentials NewProxyAuth() => new(
        ProxyAuthIdPrefix + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 20),
        "ws-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32));

    internal const string ProxyAuthIdPrefix = "wk-";

    internal static bool IsProxyAuth(string tokenId) => tokenId.StartsWith(ProxyAuthIdPrefix, StringComparison.Ordinal);

    internal static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
