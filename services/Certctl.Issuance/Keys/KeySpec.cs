namespace Certctl.Issuance;

/// <summary>A key's algorithm and size in bits; for ECDSA the size names the curve (256 = P-256, 384 = P-384, 521 = P-521).</summary>
public readonly record struct KeySpec(KeyAlgorithm Algorithm, int Size)
{
    public static KeySpec EcdsaP256 => new(KeyAlgorithm.Ecdsa, 256);

    public static KeySpec EcdsaP384 => new(KeyAlgorithm.Ecdsa, 384);

    public static KeySpec Rsa2048 => new(KeyAlgorithm.Rsa, 2048);

    public static KeySpec Rsa3072 => new(KeyAlgorithm.Rsa, 3072);

    public static KeySpec Rsa4096 => new(KeyAlgorithm.Rsa, 4096);

    /// <summary>The keys this engine generates, for CAs and in server key mode.</summary>
    public static IReadOnlyList<KeySpec> Generatable { get; } = [EcdsaP256, EcdsaP384, Rsa2048, Rsa3072, Rsa4096];

    public override string ToString() => Algorithm switch
    {
        KeyAlgorithm.Rsa => $"RSA {Size}",
        KeyAlgorithm.Ecdsa => $"ECDSA P-{Size}",
        _ => Algorithm.ToString(),
    };
}
