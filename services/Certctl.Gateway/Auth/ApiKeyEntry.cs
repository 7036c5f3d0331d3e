namespace Certctl.Gateway.Auth;

/// <summary>One configured operator key: its name (the actor), its admin flag and the SHA-256 of the key, never the key.</summary>
public sealed class ApiKeyEntry(string name, bool isAdmin, byte[] keyHash)
{
    private readonly byte[] _keyHash = keyHash;

    /// <summary>The key's name, recorded as the actor of every call made with it.</summary>
    public string Name { get; } = name;

    /// <summary>Whether the key may call admin-only endpoints.</summary>
    public bool IsAdmin { get; } = isAdmin;

    /// <summary>SHA-256 of the key's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> KeyHash => _keyHash;
}
