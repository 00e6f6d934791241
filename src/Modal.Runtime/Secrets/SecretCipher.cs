using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Modal.Secrets;

/// <summary>
/// Seals secret values with AES-256-GCM under the server's key file (<c>secrets.key</c> in the state directory, mode
/// 0600). The secret's workspace, environment and name are the associated data, so a sealed row copied under another
/// name does not open.
/// </summary>
internal sealed class SecretCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    private SecretCipher(byte[] key) => _key = key;

    /// <summary>Reads the key file, creating it with a fresh random key on first start.</summary>
    public static SecretCipher LoadOrCreate(string keyPath)
    {
        if (File.Exists(keyPath))
        {
            var existing = File.ReadAllBytes(keyPath);
            if (existing.Length != 32)
            {
                throw new InvalidOperationException($"The secret key file {keyPath} is not a 32-byte key; restore it from a backup (secrets sealed under another key cannot be opened).");
            }

            return new SecretCipher(existing);
        }

        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(keyPath, options))
        {
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }

        return new SecretCipher(key);
    }

    public byte[] Seal(IReadOnlyDictionary<string, string> values, string scope)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(values);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(scope));
        CryptographicOperations.ZeroMemory(plain);
        return output;
    }

    public Dictionary<string, string> Open(byte[] sealedValues, string scope)
    {
        var plain = new byte[sealedValues.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedValues.AsSpan(0, NonceSize), sealedValues.AsSpan(NonceSize + TagSize), sealedValues.AsSpan(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(scope));
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(plain) ?? [];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
